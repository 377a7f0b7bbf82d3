/**
 * CLI: npx tsx scripts/icons/main.ts — draws the app icon (a speech bubble with an eye: chat about
 * images) into public/icons/ as PNGs for the web app manifest: 192 and 512 px, a 512 px maskable
 * variant (content inside the 80% safe zone, full-bleed background) and a 180 px Apple touch icon.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodePng } from './png.ts';

/** The manifest's theme colour, also the icon's background. */
export const THEME_COLOR = '#2456c9';
const BACKGROUND: Rgb = [0x24, 0x56, 0xc9];
const WHITE: Rgb = [255, 255, 255];

type Rgb = [number, number, number];

/** Signed distance to a rounded rectangle (negative inside); coordinates in 0..1. */
function roundedRect(x: number, y: number, x0: number, y0: number, x1: number, y1: number, r: number): number {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const qx = Math.abs(x - cx) - ((x1 - x0) / 2 - r);
  const qy = Math.abs(y - cy) - ((y1 - y0) / 2 - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

function insideTriangle(x: number, y: number, [a, b, c]: [number, number][]): boolean {
  const side = (p: [number, number], q: [number, number]) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  const d1 = side(a!, b!);
  const d2 = side(b!, c!);
  const d3 = side(c!, a!);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

/** The colour (or transparency) at a point of the icon, in icon units 0..1. */
function sample(x: number, y: number, maskable: boolean): Rgb | null {
  if (!maskable && roundedRect(x, y, 0, 0, 1, 1, 0.22) > 0) return null;
  // Maskable icons keep their content inside the central 80% circle.
  const scale = maskable ? 0.78 : 1;
  const u = (x - 0.5) / scale + 0.5;
  const v = (y - 0.5) / scale + 0.5;
  const inBubble =
    roundedRect(u, v, 0.17, 0.22, 0.83, 0.7, 0.12) <= 0 ||
    insideTriangle(u, v, [
      [0.28, 0.66],
      [0.44, 0.66],
      [0.25, 0.84],
    ]);
  if (!inBubble) return BACKGROUND;
  const eye = ((u - 0.5) / 0.2) ** 2 + ((v - 0.46) / 0.12) ** 2 <= 1;
  if (!eye) return WHITE;
  const pupil = Math.hypot(u - 0.5, v - 0.46);
  if (pupil <= 0.028) return BACKGROUND;
  return pupil <= 0.068 ? WHITE : BACKGROUND;
}

/** Renders the icon with 4x4 supersampling. */
export function renderIcon(size: number, maskable: boolean): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const grid = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < grid; sy++) {
        for (let sx = 0; sx < grid; sx++) {
          const colour = sample((px + (sx + 0.5) / grid) / size, (py + (sy + 0.5) / grid) / size, maskable);
          if (!colour) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          covered++;
        }
      }
      const offset = (py * size + px) * 4;
      if (covered === 0) continue;
      pixels[offset] = Math.round(r / covered);
      pixels[offset + 1] = Math.round(g / covered);
      pixels[offset + 2] = Math.round(b / covered);
      pixels[offset + 3] = Math.round((255 * covered) / (grid * grid));
    }
  }
  return pixels;
}

export const ICONS = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'icon-maskable-512.png', size: 512, maskable: true },
  // iOS draws its own rounded corners over an opaque square.
  { file: 'apple-touch-icon.png', size: 180, maskable: true },
] as const;

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = path.resolve(import.meta.dirname, '../../public/icons');
  mkdirSync(out, { recursive: true });
  for (const icon of ICONS) {
    writeFileSync(path.join(out, icon.file), encodePng(icon.size, icon.size, renderIcon(icon.size, icon.maskable)));
    console.log(`Wrote public/icons/${icon.file}`);
  }
}
