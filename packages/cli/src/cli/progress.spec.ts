import { duration, progressReporter } from './progress';

const recorder = () => {
  const chunks: string[] = [];
  return { stream: { write: (t: string) => chunks.push(t) }, text: () => chunks.join(''), chunks };
};

describe('progress', () => {
  it('on a terminal: one redrawn bar with percentage, count, rate and ETA, then a final line', () => {
    let t = 0;
    const out = recorder();
    const p = progressReporter({
      label: 'verify',
      unit: 'events',
      stream: out.stream,
      tty: true,
      columns: 100,
      now: () => t,
    });
    const narrow = recorder();
    const q = progressReporter({
      label: 'verify',
      unit: 'events',
      stream: narrow.stream,
      tty: true,
      columns: 60,
      now: () => t,
    });
    t = 1000;
    p.update(250, 1000);
    t = 1050; // within the redraw interval: not drawn
    p.update(300, 1000);
    t = 2000;
    p.update(500, 1000);
    expect(out.chunks).toHaveLength(2);
    expect(out.chunks[1]).toBe(
      '\r\x1b[2Kverify  [████████████░░░░░░░░░░░░]   50%  500/1,000 events  250 events/s  ETA 2s',
    );
    q.update(500, 1000);
    expect(narrow.chunks[0]).toBe('\r\x1b[2Kverify   50%  500/1,000 events  250 events/s  ETA 2s');
    p.log('a note');
    expect(out.text()).toContain('\r\x1b[2Ka note\n');
    p.done('1,000 events checked');
    expect(out.text().endsWith('\r\x1b[2Kverify: 1,000 events checked\n')).toBe(true);
  });

  it('elsewhere: plain lines at most every interval, and no control characters', () => {
    let t = 0;
    const out = recorder();
    const p = progressReporter({
      label: 'export',
      unit: 'events',
      stream: out.stream,
      tty: false,
      intervalMs: 2000,
      now: () => t,
    });
    p.update(0, 4000);
    t = 1000;
    p.update(1000, 4000);
    t = 2000;
    p.update(2000, 4000);
    t = 2500;
    p.done();
    expect(out.chunks).toEqual([
      'export: starting, 4,000 events to go\n',
      'export: 2,000/4,000 events (50%), 1,000 events/s, ETA 2s\n',
      'export: 2,000 events in 2.5s (800 events/s)\n',
    ]);
  });

  it('says nothing when quiet, and nothing more once stopped', () => {
    const out = recorder();
    const quiet = progressReporter({ label: 'x', unit: 'u', stream: out.stream, tty: false, quiet: true });
    quiet.update(1, 2);
    quiet.done();
    const stopped = progressReporter({ label: 'x', unit: 'u', stream: out.stream, tty: false });
    stopped.stop();
    stopped.update(1, 2);
    stopped.done();
    expect(out.chunks).toEqual([]);
  });

  it('writes durations for people', () => {
    expect([duration(0.4), duration(59), duration(65), duration(3725), duration(Infinity)]).toEqual([
      '0s',
      '59s',
      '1m05s',
      '1h02m',
      '…',
    ]);
  });
});
