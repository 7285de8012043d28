// Calendar arithmetic in the company time zone, with nothing but Intl (pure, no I/O).

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (timeZone: string) => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
};

const HOUR = 3_600_000;
const offsets = new Map<string, number>();

/**
 * The zone's offset from UTC at an instant, in minutes. Zones change their offset only on whole quarter
 * hours, so the answer is remembered per zone and 15-minute slot: Intl is asked once per slot.
 */
const offsetMinutes = (instantMs: number, timeZone: string): number => {
  const slot = Math.floor(instantMs / (HOUR / 4));
  const key = `${timeZone}|${slot}`;
  const hit = offsets.get(key);
  if (hit !== undefined) return hit;
  const p = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(slot * (HOUR / 4)))
      .map((x) => [x.type, x.value]),
  );
  const asUtc = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  const offset = Math.round((asUtc - slot * (HOUR / 4)) / 60000);
  if (offsets.size > 100_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
};

/** The zone's wall clock at an instant, as a Date whose UTC fields read as the local time. */
const wall = (instant: Date | string, timeZone: string): Date => {
  const ms = new Date(instant).getTime();
  return new Date(ms + offsetMinutes(ms, timeZone) * 60000);
};

/** The calendar date (YYYY-MM-DD) of an instant in the zone. */
export const localDate = (instant: Date | string, timeZone: string): string =>
  wall(instant, timeZone).toISOString().slice(0, 10);

/** The wall-clock time (HH:MM:SS.mmm) of an instant in the zone. */
export const localTime = (instant: Date | string, timeZone: string): string =>
  wall(instant, timeZone).toISOString().slice(11, 23);

/** The instant at which the zone's wall clock shows `date` `time` (HH:MM or HH:MM:SS.mmm). */
export const zonedInstant = (date: string, time: string, timeZone: string): Date => {
  const guess = Date.parse(`${date}T${time.length === 5 ? time + ':00.000' : time}Z`);
  const first = guess - offsetMinutes(guess, timeZone) * 60000;
  return new Date(guess - offsetMinutes(first, timeZone) * 60000);
};

/**
 * Calendar arithmetic on dates (YYYY-MM-DD) is asked of few distinct dates (a log's events fall on a few
 * thousand days): answers are remembered, up to a bound.
 */
const remembered = (fn: (date: string, n: number) => string) => {
  const memo = new Map<string, string>();
  return (date: string, n: number): string => {
    const key = `${date}|${n}`;
    let hit = memo.get(key);
    if (hit === undefined) {
      hit = fn(date, n);
      if (memo.size >= 50_000) memo.clear();
      memo.set(key, hit);
    }
    return hit;
  };
};

export const addDays = remembered((date: string, days: number): string => {
  const t = new Date(date + 'T00:00:00Z');
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
});

/** Add calendar months, clamping to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export const addMonths = remembered((date: string, months: number): string => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
});

/** Start of the local day `date` as an instant. */
export const startOfLocalDay = (date: string, timeZone: string): Date =>
  zonedInstant(date, '00:00', timeZone);
