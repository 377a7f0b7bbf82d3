/**
 * The benchmark image: a deterministic 512 px "photo" (smooth gradients, edges and noise-free
 * texture), identical in the browser (drawn, then encoded to PNG as a person's file would be) and
 * in Node (raw RGB for the native path). PNG is lossless, so every path sees the same pixels.
 *
 * `variant` > 0 marks the first two pixels with its number: the same picture to the eye, but other
 * bytes, so each question brings an image the app has not seen (its feature store keeps image
 * features by content and would otherwise skip the vision encoder after the first question).
 */
export function benchImageRgb(size: number, variant = 0): Uint8Array {
  const rgb = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      const u = x / size;
      const v = y / size;
      const ring = Math.sin(Math.hypot(u - 0.4, v - 0.55) * 40) * 0.5 + 0.5;
      const block = ((x >> 5) + (y >> 5)) % 2;
      rgb[i] = Math.round(255 * (0.6 * u + 0.4 * ring));
      rgb[i + 1] = Math.round(255 * (0.5 * v + 0.3 * block + 0.2 * ring));
      rgb[i + 2] = Math.round(255 * (0.7 * (1 - u) * v + 0.3 * (1 - ring)));
    }
  }
  if (variant > 0) rgb.set([variant & 255, (variant >> 8) & 255, 7, 1, 2, 3], 0);
  return rgb;
}
