/**
 * Which of the files a person added are videos, judged by their first bytes (never the name), so
 * a video goes to the video sampler and is never read whole like an image.
 */
import { quoteName, sniffKind } from '../files/index.ts';

/** Enough bytes for every container signature sniffKind knows. */
const SNIFF_BYTES = 4096;

export async function splitVideos(files: readonly File[]): Promise<{ videos: File[]; others: File[] }> {
  const videos: File[] = [];
  const others: File[] = [];
  for (const file of files) {
    let head: Uint8Array;
    try {
      head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
    } catch {
      others.push(file); // the image intake reports the unreadable file
      continue;
    }
    (sniffKind(head) === 'video' ? videos : others).push(file);
  }
  return { videos, others };
}

/** Why files were not added next to a video (or a video next to images): one message carries either. */
export function oneVideoMessage(leftOut: readonly File[]): string {
  const names = leftOut.map((file) => quoteName(file.name || 'pasted file')).join(', ');
  return `A message carries either images or one video: ${names} ${leftOut.length === 1 ? 'was' : 'were'} not added. Send what is waiting first, or remove it.`;
}
