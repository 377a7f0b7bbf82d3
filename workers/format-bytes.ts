/**
 * Sizes as people read them, in decimal units as disks and browsers count: "500 bytes",
 * "1.50 kB", "12.3 MB", "474 kB". The one formatter of the app: the page's panels and the
 * worker's messages (a quota error) print the same size the same way.
 */
const UNITS = ['bytes', 'kB', 'MB', 'GB', 'TB'] as const;
const STEP = 1000;

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= STEP && unit < UNITS.length - 1) {
    value /= STEP;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} bytes`;
  // Three significant digits; the rounding may carry into the next unit (999.96 kB -> 1.00 MB).
  const digits = value >= 99.95 ? 0 : value >= 9.995 ? 1 : 2;
  if (Number(value.toFixed(digits)) >= STEP && unit < UNITS.length - 1) return `1.00 ${UNITS[unit + 1]}`;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}
