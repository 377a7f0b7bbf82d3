/** encodeModel assembles the protobuf piece by piece: the bytes must be protobufjs' own. */
import { describe, expect, it } from 'vitest';
import { buildDecoder } from './decoder.js';
import { buildFlorence2Decoder, FLORENCE2_TOKENIZER_LAYOUT } from './florence2.js';
import { encodeModel, encodeModelInOneCall } from './onnx-proto.js';
import { PRESETS } from './presets.js';
import { buildTokenizer } from './tokenizer.js';
import { buildVisionEncoder } from './vision-encoder.js';

describe('encodeModel', () => {
  const tokenizer = buildTokenizer();
  const florenceTokenizer = buildTokenizer(FLORENCE2_TOKENIZER_LAYOUT);
  it.each([
    ['vision encoder fp32', () => buildVisionEncoder(PRESETS.tiny, 7, false)],
    ['decoder q8', () => buildDecoder(PRESETS.tiny, tokenizer.size, tokenizer.tokenBytes, 7, true)],
    ['decoder q4 (com.microsoft domain)', () => buildDecoder(PRESETS.tiny, tokenizer.size, tokenizer.tokenBytes, 7, 'q4')],
    ['Florence-2 decoder', () => buildFlorence2Decoder(PRESETS['florence2-tiny'], florenceTokenizer.size, florenceTokenizer, 7, false)],
  ])('writes the same bytes as protobufjs in one call: %s', (_, build) => {
    const model = build();
    expect(Buffer.from(encodeModel(model)).equals(Buffer.from(encodeModelInOneCall(model)))).toBe(true);
  });
});
