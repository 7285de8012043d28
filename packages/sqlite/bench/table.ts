export interface TableRow {
  readonly name: string;
  readonly rate?: number;
  /** The matching raw figure; the ratio is rate / raw. */
  readonly raw?: number;
  readonly target?: number;
  readonly note?: string;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export const printTable = (rows: readonly TableRow[]): void => {
  const cells = [
    ['measure', 'events/s', 'raw events/s', 'ratio', 'target', 'verdict', 'note'],
    ...rows.map((r) => {
      const ratio = r.rate !== undefined && r.raw ? r.rate / r.raw : undefined;
      return [
        r.name,
        r.rate === undefined ? '' : fmt(r.rate),
        r.raw ? fmt(r.raw) : '',
        ratio === undefined ? '' : `${ratio.toFixed(2)}×`,
        r.target === undefined ? '' : `≥ ${r.target}×`,
        ratio === undefined || r.target === undefined ? '' : ratio >= r.target ? 'met' : 'MISSED',
        r.note ?? '',
      ];
    }),
  ];
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((l) => l[c]!.length)));
  const left = new Set([0, 5, 6]);
  for (const line of cells)
    console.log(
      line
        .map((cell, c) => (left.has(c) ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('  ')
        .trimEnd(),
    );
};
