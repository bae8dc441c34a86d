const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** Whole numbers from 100 up and for bytes, one decimal below. */
function rounded(value: number, unit: number): number {
  return unit === 0 || value >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
}

/** A size for people to read, in powers of 1024: `0 B`, `512 B`, `16 KB`, `3.2 MB`. */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (rounded(value, unit) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }

  return `${rounded(value, unit)} ${UNITS[unit]}`;
}
