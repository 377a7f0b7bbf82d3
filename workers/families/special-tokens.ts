/**
 * Chat text from people (and earlier answers) must not smuggle in control tokens: a literal
 * `<image>` typed in a message would add an image slot the processor cannot fill, and
 * `<end_of_utterance>` would end a turn early. A zero-width joiner after `<` keeps the text
 * readable while the tokenizer no longer matches the special token.
 */
const SPECIAL_TOKEN = /<(image|fake_token_around_image|global-img|end_of_utterance|row_\d+_col_\d+|\|im_start\||\|im_end\||\|endoftext\|)>/g;

export function neutralizeSpecialTokens(text: string): string {
  return text.replace(SPECIAL_TOKEN, '<\u200d$1>');
}
