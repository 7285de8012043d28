/** Terminal cells a character takes: two for East Asian wide and full-width characters, else one. */
const cells = (code: number): number =>
  (code >= 0x1100 && code <= 0x115f) ||
  (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
  (code >= 0xac00 && code <= 0xd7a3) ||
  (code >= 0xf900 && code <= 0xfaff) ||
  (code >= 0xfe30 && code <= 0xfe4f) ||
  (code >= 0xff00 && code <= 0xff60) ||
  (code >= 0xffe0 && code <= 0xffe6) ||
  (code >= 0x1f300 && code <= 0x1faff) ||
  (code >= 0x20000 && code <= 0x3fffd)
    ? 2
    : 1;

/** How wide a string shows in a terminal (Chinese names take two cells a character). */
export const displayWidth = (s: string): number => {
  let w = 0;
  for (const ch of s) w += cells(ch.codePointAt(0)!);
  return w;
};

/** Cut to at most `width` cells, ending in `…` when cut. */
export const truncate = (s: string, width: number): string => {
  if (displayWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  for (const ch of s) {
    const c = cells(ch.codePointAt(0)!);
    if (w + c > width - 1) break;
    out += ch;
    w += c;
  }
  return out + '…';
};

export const padEnd = (s: string, width: number): string =>
  s + ' '.repeat(Math.max(0, width - displayWidth(s)));
export const padStart = (s: string, width: number): string =>
  ' '.repeat(Math.max(0, width - displayWidth(s))) + s;
