/** Progress of long work on stderr: a redrawn bar with rate and ETA on a terminal, plain periodic lines otherwise. */
export interface Progress {
  /** How much is done, of how much (the total may come late, or grow). */
  update(done: number, total?: number): void;
  /** A line of its own (above the bar on a terminal). */
  log(line: string): void;
  /** The final line: the summary given, else the count, time and rate. */
  done(summary?: string): void;
  /** Take the bar off the screen (interrupted or failed): no final line. */
  stop(): void;
}

export interface ProgressOptions {
  readonly label: string;
  /** What is counted: `events`, `days`. */
  readonly unit: string;
  readonly stream: { write(text: string): unknown };
  /** Redraw a bar (stderr is a terminal) or print plain lines. */
  readonly tty: boolean;
  readonly quiet?: boolean;
  /** Between plain lines (default 2000 ms; `DOSSIER_PROGRESS_MS`). */
  readonly intervalMs?: number;
  readonly now?: () => number;
  /** Terminal width for the bar (default 80). */
  readonly columns?: number;
}

const BAR = 24;
const REDRAW_MS = 80;
const CLEAR = '\r\x1b[2K';

export const count = (n: number): string => Math.round(n).toLocaleString('en-US');

export const duration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return '…';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
};

export const progressReporter = (options: ProgressOptions): Progress => {
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 2000;
  const started = now();
  let done = 0;
  let total: number | undefined;
  let lastDraw = -Infinity;
  let drawn = false;
  let finished = false;
  const write = (text: string) => {
    if (!options.quiet) options.stream.write(text);
  };

  const measures = () => {
    const elapsed = Math.max(0.001, (now() - started) / 1000);
    const rate = done / elapsed;
    const eta = total !== undefined && rate > 0 ? (total - done) / rate : Infinity;
    const pct = total ? Math.min(100, Math.floor((done / total) * 100)) : undefined;
    return { elapsed, rate, eta, pct };
  };

  /**
   * The bar takes what the line leaves of the terminal's width (up to 24 cells), reckoned once for the longest
   * the rest of the line can get, so that it does not change size as the numbers do.
   */
  let bar: { total: number; width: number } | undefined;
  const barWidth = (): number => {
    if (bar && bar.total === (total ?? 0)) return bar.width;
    const n = count(total ?? 0).length;
    // label, [bar], percent, done/total unit, rate unit/s, ETA 59m59s: two spaces apart
    const rest =
      options.label.length +
      2 +
      2 +
      2 +
      4 +
      2 +
      (2 * n + 2 + options.unit.length) +
      2 +
      (n + 3 + options.unit.length) +
      2 +
      10;
    bar = { total: total ?? 0, width: Math.min(BAR, (options.columns ?? 80) - 1 - rest) };
    return bar.width;
  };

  const barLine = (): string => {
    const { rate, eta, pct } = measures();
    const counted =
      total !== undefined
        ? `${count(done)}/${count(total)} ${options.unit}`
        : `${count(done)} ${options.unit}`;
    const tail = [
      counted,
      `${count(rate)} ${options.unit}/s`,
      ...(pct !== undefined ? [`ETA ${duration(eta)}`] : []),
    ];
    if (pct === undefined) return [options.label, ...tail].join('  ');
    const percent = `${String(pct).padStart(3)}%`;
    const width = barWidth();
    if (width < 6) return [options.label, percent, ...tail].join('  ');
    const filled = Math.round((pct / 100) * width);
    return [options.label, `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`, percent, ...tail].join(
      '  ',
    );
  };

  const plainLine = (): string => {
    if (done === 0)
      return `${options.label}: starting${total !== undefined ? `, ${count(total)} ${options.unit} to go` : ''}\n`;
    const { rate, eta, pct } = measures();
    const of =
      total !== undefined
        ? `${count(done)}/${count(total)} ${options.unit} (${pct}%)`
        : `${count(done)} ${options.unit}`;
    return `${options.label}: ${of}, ${count(rate)} ${options.unit}/s${pct !== undefined ? `, ETA ${duration(eta)}` : ''}\n`;
  };

  const draw = (force: boolean) => {
    const t = now();
    if (options.tty) {
      if (!force && t - lastDraw < REDRAW_MS) return;
      write(CLEAR + barLine());
      drawn = true;
    } else {
      if (!force && t - lastDraw < interval) return;
      write(plainLine());
    }
    lastDraw = t;
  };

  const clear = () => {
    if (options.tty && drawn) write(CLEAR);
    drawn = false;
  };

  return {
    update(n, t) {
      if (finished) return;
      done = n;
      if (t !== undefined) total = t;
      draw(false);
    },
    log(line) {
      if (finished) return;
      clear();
      write(line.endsWith('\n') ? line : `${line}\n`);
      if (options.tty) draw(true);
    },
    done(summary) {
      if (finished) return;
      finished = true;
      clear();
      const { elapsed, rate } = measures();
      write(
        `${options.label}: ${summary ?? `${count(done)} ${options.unit} in ${elapsed.toFixed(1)}s (${count(rate)} ${options.unit}/s)`}\n`,
      );
    },
    stop() {
      if (finished) return;
      finished = true;
      clear();
    },
  };
};
