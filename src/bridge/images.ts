/**
 * Turns a stored image (a Blob) into what crosses to the worker: an ImageBitmap with EXIF
 * orientation applied, downscaled so its longest edge is at most MAX_TRANSFER_EDGE (the
 * processor never uses more than 2048 px), transferred rather than copied.
 */
export const MAX_TRANSFER_EDGE = 2048;

export async function bitmapForWorker(blob: Blob, maxEdge = MAX_TRANSFER_EDGE): Promise<ImageBitmap> {
  const full = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  const longest = Math.max(full.width, full.height);
  if (longest <= maxEdge) return full;
  const scale = maxEdge / longest;
  try {
    return await createImageBitmap(full, {
      resizeWidth: Math.max(1, Math.round(full.width * scale)),
      resizeHeight: Math.max(1, Math.round(full.height * scale)),
      resizeQuality: 'high',
    });
  } finally {
    full.close();
  }
}
