import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { fixtureBytes } from './__fixtures__/images.ts';
import { heicHeader, pngClaiming } from './__fixtures__/builders.ts';
import { intakeImageFile } from './intake.ts';

const fileOf = (bytes: Uint8Array, name: string, type = '') => new File([bytes as BlobPart], name, { type });

describe('intakeImageFile', () => {
  it('decodes an accepted image once and types the blob by its bytes', async () => {
    const decode = vi.fn(async () => ({ width: 30, height: 40 }));
    const result = await intakeImageFile(fileOf(fixtureBytes('png'), 'photo.jpg', 'image/jpeg'), { decode });
    expect(decode).toHaveBeenCalledTimes(1);
    if (!result.ok) throw new Error(result.refusal.message);
    expect(result.attachment).toMatchObject({ name: 'photo.jpg', format: 'png', width: 30, height: 40 });
    expect(result.attachment.blob.type).toBe('image/png');
    expect(result.attachment.id).toMatch(/^img-/);
  });

  it('says an animated GIF is seen by its first frame only; a still GIF gets no note', async () => {
    const animated = new Uint8Array(readFileSync('e2e/fixtures/formats/animated.gif'));
    const decode = async () => ({ width: 600, height: 400 });
    const result = await intakeImageFile(fileOf(animated, 'wave.gif'), { decode });
    expect(result).toMatchObject({ ok: true, attachment: { format: 'gif', note: 'Animated GIF: the model sees its first frame only.' } });
    const still = await intakeImageFile(fileOf(fixtureBytes('gif'), 'still.gif'), { decode });
    expect(still.ok && still.attachment.note).toBe(undefined);
  });

  it('never decodes a bomb, an empty file or a file over the byte cap', async () => {
    const decode = vi.fn(async () => ({ width: 1, height: 1 }));
    const bomb = await intakeImageFile(fileOf(pngClaiming(30000, 30000), 'bomb.png'), { decode });
    const empty = await intakeImageFile(fileOf(new Uint8Array(), 'empty.jpg'), { decode });
    const heavy = await intakeImageFile(fileOf(fixtureBytes('png'), 'heavy.png'), { decode, limits: { maxBytes: 100, maxPixels: 1e9 } });
    expect([bomb, empty, heavy].map((r) => (r.ok ? 'ok' : r.refusal.reason))).toEqual(['too-many-pixels', 'empty', 'file-too-large']);
    expect(decode).not.toHaveBeenCalled();
  });

  it('names HEIC when the browser cannot decode it, and accepts it when it can', async () => {
    const cannot = await intakeImageFile(fileOf(heicHeader(), 'IMG_0042.HEIC'), { decode: () => Promise.reject(new Error('no decoder')) });
    expect(cannot).toMatchObject({ ok: false, refusal: { reason: 'unsupported-format', message: expect.stringMatching(/HEIC\/HEIF photo, which this browser cannot decode/) } });
    const can = await intakeImageFile(fileOf(heicHeader(), 'IMG_0042.HEIC'), { decode: async () => ({ width: 3024, height: 4032 }) });
    expect(can).toMatchObject({ ok: true, attachment: { format: 'heic', width: 3024, height: 4032 } });
  });

  it('reports an image the decoder rejects as damaged', async () => {
    const result = await intakeImageFile(fileOf(fixtureBytes('jpeg'), 'bad.jpg'), { decode: () => Promise.reject(new Error('decode')) });
    expect(result).toMatchObject({ ok: false, refusal: { reason: 'undecodable', message: expect.stringMatching(/looks like a JPEG image but could not be decoded/) } });
  });
});
