/**
 * A small byte-level BPE tokenizer in the exact layout of SmolVLM's
 * tokenizer.json (GPT-2 style byte-level BPE, Digits + ByteLevel
 * pre-tokenizers, same special token names), trained at generation time on a
 * short built-in English text. The real tokenizer.json is 3.5 MB; this one is
 * a few tens of KB but exercises the same code paths in transformers.js.
 *
 * Id layout: 0..2 <|endoftext|> <|im_start|> <|im_end|> (as in the real one),
 * then the 256 byte symbols, then the learned merges, then the image/chat
 * special tokens (same order as the real ids 49152..49190, 49279).
 */

/** Token ids 0..2, identical to the real SmolVLM tokenizer. */
export const LEADING_SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;

export const GLOBAL_IMG_TOKEN = '<global-img>';
export const FAKE_IMAGE_TOKEN = '<fake_token_around_image>';
export const IMAGE_TOKEN = '<image>';
export const END_OF_UTTERANCE_TOKEN = '<end_of_utterance>';

/** Trailing special tokens in the real model's id order. */
export function trailingSpecialTokens(): string[] {
  const rowCol: string[] = [];
  for (let r = 1; r <= 6; r++) for (let c = 1; c <= 6; c++) rowCol.push(`<row_${r}_col_${c}>`);
  return [GLOBAL_IMG_TOKEN, ...rowCol, FAKE_IMAGE_TOKEN, IMAGE_TOKEN, END_OF_UTTERANCE_TOKEN];
}

/** The maximum number of merges to learn; training also stops at pairs seen once. */
const MAX_MERGES = 480;

/**
 * Training text: chat-style English about images, so that the prompt words
 * ("User", "Assistant", " the", " image", " this") become single tokens.
 */
const TRAINING_TEXT = `
User: What is this?
Assistant: This is an image of a small red house with a white door in the middle of a green field.
User: Describe the image in detail.
Assistant: The picture shows a dog sitting on the grass next to a tree. The sky is blue and there are some white clouds.
User: What color is the car in the image?
Assistant: The car in the image is blue. It is parked on the street in front of a building.
User: How many people are there in this photo?
Assistant: There are three people in this photo. Two of them are standing and one is sitting on a chair.
User: Can you read the text on the sign?
Assistant: The sign says that the store is open from nine in the morning until six in the evening.
User: What is the man holding in his hand?
Assistant: The man is holding a cup of coffee in his right hand and a phone in his left hand.
User: Is there a cat in the picture?
Assistant: Yes, there is a cat sitting on the window. The cat is black and white and it is looking outside.
User: Where was this photo taken?
Assistant: This photo was taken in a city park on a sunny day. You can see trees, a lake and some people walking.
User: What is the woman doing?
Assistant: The woman is reading a book while she is sitting on a bench under a large tree.
User: Describe the colors of this image.
Assistant: The main colors of the image are green, blue and yellow. The light is warm and the shadows are soft.
User: What kind of animal is this?
Assistant: This is a horse. It is brown with a white mark on its face and it is standing in a field.
User: What time of day is it in the image?
Assistant: It looks like the evening, because the sun is low and the sky is orange and pink.
User: What is written on the paper?
Assistant: The paper has a short note written in black ink. It says thank you for the help.
User: Tell me about the objects on the table.
Assistant: On the table there is a plate with bread, a glass of water, a knife and a small bowl of fruit.
User: What is in the background of this image?
Assistant: In the background there are mountains covered with snow and a few small houses near the river.
User: Describe what the children are doing.
Assistant: The children are playing with a red ball on the beach. One of them is running toward the water.
User: What is the weather like in the picture?
Assistant: The weather looks cold and cloudy. The people are wearing warm coats and there is snow on the ground.
User: Can you describe the food on the plate?
Assistant: The plate has rice, green vegetables and a piece of chicken. There is also a small cup of sauce.
User: What kind of building is this?
Assistant: This is an old church made of stone. It has a tall tower, a large wooden door and colorful windows.
User: What is the person wearing?
Assistant: The person is wearing a blue shirt, black pants and white shoes. He also has a brown hat on his head.
User: Is this image taken indoors or outdoors?
Assistant: The image is taken indoors. You can see a sofa, a lamp, a television and a carpet in the living room.
User: What does the chart show?
Assistant: The chart shows the number of visitors for each month. The highest value is in the summer and the lowest in the winter.
User: How would you describe the mood of this picture?
Assistant: The mood of the picture is calm and peaceful. The soft light and the quiet water make the scene feel relaxing.
The quick brown fox jumps over the lazy dog. A picture is worth a thousand words, and this image shows
a simple scene with a person, a table, a window and a chair. The image is clear and the details are easy to see.
`;

/** GPT-2 byte -> printable unicode char mapping (same as tokenizers' ByteLevel). */
export function bytesToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const chars = new Array<string>(256);
  for (const b of printable) chars[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (chars[b] === undefined) chars[b] = String.fromCharCode(256 + n++);
  }
  return chars;
}

/** Vocabulary order of the byte symbols: printable bytes first, like GPT-2's byte_encoder. */
function byteSymbolOrder(byteChars: string[]): string[] {
  const printable: string[] = [];
  const rest: string[] = [];
  for (let b = 0; b < 256; b++) {
    const code = byteChars[b]!.charCodeAt(0);
    (code === b ? printable : rest).push(byteChars[b]!);
  }
  return [...printable, ...rest];
}

// The ByteLevel pre-tokenizer regex (use_regex: true) of HF tokenizers.
const BYTE_LEVEL_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Digits(individual_digits) then ByteLevel split, mapped to byte-level symbols. */
function preTokenize(text: string, byteChars: string[]): string[] {
  const pieces: string[] = [];
  for (const part of text.split(/(\p{N})/u)) {
    if (part === '') continue;
    for (const match of part.matchAll(BYTE_LEVEL_SPLIT)) {
      const bytes = new TextEncoder().encode(match[0]);
      pieces.push(Array.from(bytes, (b) => byteChars[b]!).join(''));
    }
  }
  return pieces;
}

/** Classic BPE training; ties broken by the pair's string so the result is deterministic. */
function trainMerges(text: string, byteChars: string[], maxMerges: number): Array<[string, string]> {
  const wordCounts = new Map<string, number>();
  for (const piece of preTokenize(text, byteChars)) wordCounts.set(piece, (wordCounts.get(piece) ?? 0) + 1);
  const words = [...wordCounts.entries()].map(([w, count]) => ({ symbols: [...w], count }));

  const merges: Array<[string, string]> = [];
  while (merges.length < maxMerges) {
    const pairCounts = new Map<string, number>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]}\u0000${symbols[i + 1]}`;
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
      }
    }
    let bestKey = '';
    let bestCount = 1;
    for (const [key, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && bestKey !== '' && key < bestKey)) {
        bestKey = key;
        bestCount = count;
      }
    }
    if (bestKey === '') break; // every remaining pair occurs once: stop
    const [a, b] = bestKey.split('\u0000') as [string, string];
    merges.push([a, b]);
    for (const word of words) {
      const out: string[] = [];
      for (let i = 0; i < word.symbols.length; i++) {
        if (i + 1 < word.symbols.length && word.symbols[i] === a && word.symbols[i + 1] === b) {
          out.push(a + b);
          i++;
        } else {
          out.push(word.symbols[i]!);
        }
      }
      word.symbols = out;
    }
  }
  return merges;
}

export interface AddedToken {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

export interface GeneratedTokenizer {
  /** The tokenizer.json object. */
  json: Record<string, unknown>;
  /** Number of ids (vocab + trailing special tokens). */
  size: number;
  addedTokens: AddedToken[];
  /** id of every special token by content. */
  specialIds: Record<string, number>;
  /** Bytes each vocabulary id stands for (empty for special tokens); indexed by id, vocab part only. */
  tokenBytes: Uint8Array[];
}

function addedToken(id: number, content: string): AddedToken {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/**
 * Which special tokens come before the byte symbols and after the merges, and what the tokenizer
 * adds around encoded text: SmolVLM's layout by default; other formats (Florence-2's BART
 * tokenizer: <s> <pad> </s> <unk> first, 1000 location tokens last, <s>...</s> around text) pass theirs.
 */
export interface TokenizerLayout {
  leading: readonly string[];
  trailing: readonly string[];
  postProcessor?: Record<string, unknown>;
}

const SMOLVLM_LAYOUT: TokenizerLayout = { leading: LEADING_SPECIAL_TOKENS, trailing: trailingSpecialTokens() };

export function buildTokenizer(layout: TokenizerLayout = SMOLVLM_LAYOUT): GeneratedTokenizer {
  const byteChars = bytesToUnicode();
  const unicodeToByte = new Map(byteChars.map((c, b) => [c, b]));
  const merges = trainMerges(TRAINING_TEXT, byteChars, MAX_MERGES);

  const vocab: Record<string, number> = {};
  const tokenBytes: Uint8Array[] = [];
  const push = (token: string, bytes: Uint8Array): void => {
    if (token in vocab) throw new Error(`duplicate token ${token}`);
    vocab[token] = tokenBytes.length;
    tokenBytes.push(bytes);
  };
  const symbolBytes = (token: string): Uint8Array => Uint8Array.from([...token], (c) => unicodeToByte.get(c)!);
  // Special tokens decode to nothing readable: empty byte string.
  for (const t of layout.leading) push(t, new Uint8Array());
  for (const t of byteSymbolOrder(byteChars)) push(t, symbolBytes(t));
  for (const [a, b] of merges) push(a + b, symbolBytes(a + b));

  const addedTokens = layout.leading.map((t, i) => addedToken(i, t));
  let nextId = tokenBytes.length;
  for (const t of layout.trailing) addedTokens.push(addedToken(nextId++, t));
  const specialIds = Object.fromEntries(addedTokens.map((t) => [t.content, t.id]));

  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Digits', individual_digits: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      ],
    },
    post_processor: layout.postProcessor ?? null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
  return { json, size: nextId, addedTokens, specialIds, tokenBytes };
}
