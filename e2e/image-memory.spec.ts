/**
 * Large photos over many turns. The worker keeps decoded pixels within a byte bound: an image's
 * pixels are dropped once the KV cache holds its features, and asked for again (the page sends
 * them) when a later prompt cuts the cache before it. The built-in shapes-demo model answers
 * about each photo, so a wrong or missing image shows as a wrong answer, not just a number.
 */
import { BUILT_IN_MODEL } from '../workers/models/registry.ts';
import { expect, test } from './fixtures.ts';
import { greedy } from './runtime-helpers.ts';

/** One shape per photo, in the contract's colours (scripts/demo-model/shapes_world.py). */
const PHOTOS = [
  { shape: 'circle', colour: 'red', rgb: '#dc2828' },
  { shape: 'square', colour: 'blue', rgb: '#285adc' },
  { shape: 'triangle', colour: 'green', rgb: '#28aa3c' },
  { shape: 'circle', colour: 'purple', rgb: '#8c3cbe' },
] as const;

test.describe('image memory', () => {
  test('several 6000x4000 JPEGs over turns: the pixel bound holds and every answer is about the right photo', async ({ page }) => {
    test.setTimeout(240_000);
    await page.goto('/');
    const outcome = await page.evaluate(
      async ({ modelId, photos, low, auto }) => {
        await window.vlm.load(modelId, { device: 'wasm' }, () => undefined);
        /** A 6000x4000 JPEG: a near-white background and one shape, 20% of the shorter side. */
        const photo = async ({ shape, rgb }: (typeof photos)[number], index: number): Promise<Blob> => {
          const canvas = new OffscreenCanvas(6000, 4000);
          const context = canvas.getContext('2d')!;
          context.fillStyle = '#f4f4f2';
          context.fillRect(0, 0, 6000, 4000);
          context.fillStyle = rgb;
          const size = 800;
          const x = 900 + index * 1100;
          const y = index % 2 ? 2600 : 800;
          if (shape === 'circle') {
            context.beginPath();
            context.arc(x + size / 2, y + size / 2, size / 2, 0, Math.PI * 2);
            context.fill();
          } else if (shape === 'square') {
            context.fillRect(x, y, size, size);
          } else {
            context.beginPath();
            context.moveTo(x + size / 2, y);
            context.lineTo(x + size, y + size);
            context.lineTo(x, y + size);
            context.fill();
          }
          return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
        };
        type Turn = Parameters<typeof window.vlm.generate>[0][number];
        const conversation: Turn[] = [];
        const turns = [];
        for (const [index, item] of photos.entries()) {
          const blob = await photo(item, index);
          conversation.push({ role: 'user', text: `What colour is the ${item.shape}?`, images: [{ id: `photo-${index}`, blob }] });
          const result = await window.vlm.generate(conversation, low, () => undefined);
          conversation.push({ role: 'assistant', text: result.text });
          const status = await window.vlm.status();
          turns.push({ answer: result.text.trim(), encoded: result.timings.imagesEncoded, bytes: status.imagePixelBytes, budget: status.imagePixelBudget, kept: status.imagesKept });
        }
        // The same chat at detail auto: every photo's tokens change, so the cache is cut before
        // the first one and all four are encoded again, from pixels the worker had dropped.
        conversation.pop();
        const again = await window.vlm.generate(conversation, auto, () => undefined);
        const status = await window.vlm.status();
        return { turns, again: { answer: again.text.trim(), encoded: again.timings.imagesEncoded, bytes: status.imagePixelBytes, budget: status.imagePixelBudget } };
      },
      { modelId: BUILT_IN_MODEL.id, photos: PHOTOS, low: greedy(8, 'low'), auto: greedy(8, 'auto') },
    );

    for (const [index, turn] of outcome.turns.entries()) {
      expect(turn.answer.replace(/\.$/, '')).toBe(PHOTOS[index]!.colour);
      // Only the new photo was encoded: the earlier ones came from the KV cache, not from pixels.
      expect(turn.encoded).toBe(1);
      // Its features are in the cache, so its pixels (2048x1365 RGBA, 11 MB) were let go.
      expect(turn.kept).toEqual([]);
      expect(turn.bytes).toBe(0);
      expect(turn.budget).toBeGreaterThan(0);
    }
    // The worker asked for the pixels again and the page sent them: the answer is still right.
    expect(outcome.again.answer.replace(/\.$/, '')).toBe(PHOTOS.at(-1)!.colour);
    expect(outcome.again.encoded).toBe(PHOTOS.length);
    expect(outcome.again.bytes).toBeLessThanOrEqual(outcome.again.budget);
  });
});
