import { describe, expect, it } from 'vitest';
import { oneVideoMessage, splitVideos } from './route-files.ts';

const file = (bytes: number[], name: string, type = '') => new File([new Uint8Array(bytes)], name, { type });
const EBML = [0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const MP4 = [0, 0, 0, 0x18, ...Array.from('ftypisom').map((c) => c.charCodeAt(0)), 0, 0, 2, 0, ...Array.from('isomiso2').map((c) => c.charCodeAt(0))];

describe('splitVideos', () => {
  it('tells videos from images by their bytes, not their names or types', async () => {
    const { videos, others } = await splitVideos([file(EBML, 'photo.png', 'image/png'), file(PNG, 'clip.webm', 'video/webm'), file(MP4, 'holiday')]);
    expect(videos.map((f) => f.name)).toEqual(['photo.png', 'holiday']);
    expect(others.map((f) => f.name)).toEqual(['clip.webm']);
  });

  it('names what was left out', () => {
    expect(oneVideoMessage([file(PNG, 'a.png'), file(PNG, 'b.png')])).toBe('A message carries either images or one video: “a.png”, “b.png” were not added. Send what is waiting first, or remove it.');
  });
});
