import { displayWidth, padEnd, padStart, truncate } from './text-width';

export interface TableOptions {
  /** Columns aligned right (numbers). */
  readonly right?: readonly number[];
  /** Cut cells to this many terminal cells (default: no cut). */
  readonly maxCell?: number;
  readonly indent?: string;
}

/** A plain text table: a header, a rule, the rows; widths by terminal cells, so Chinese text lines up. */
export const renderTable = (
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string[] => {
  const cut = (s: string) => (options.maxCell ? truncate(s, options.maxCell) : s);
  const body = rows.map((r) => r.map((c) => cut(c.replace(/\s*\n\s*/g, ' '))));
  const widths = header.map((h, i) =>
    Math.max(displayWidth(h), ...body.map((r) => displayWidth(r[i] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    (options.indent ?? '') +
    cells
      .map((c, i) =>
        i === cells.length - 1 && !options.right?.includes(i)
          ? c
          : options.right?.includes(i)
            ? padStart(c, widths[i]!)
            : padEnd(c, widths[i]!),
      )
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...body.map(line)];
};
