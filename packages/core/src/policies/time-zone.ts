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
const DAY = 24 * HOUR;
const SLOT = HOUR / 4;
/** Per zone: the offset of each 15-minute slot asked about. */
const offsets = new Map<string, Map<number, number>>();
/** Per zone: each UTC day asked about, its offset when the zone kept one all day, else null. */
const dayOffsets = new Map<string, Map<number, number | null>>();
let offsetsKept = 0;

/** The zone's offset at the start of a 15-minute slot, from Intl (remembered per zone and slot). */
const slotOffset = (slot: number, timeZone: string): number => {
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = new Map()));
  const hit = zone.get(slot);
  if (hit !== undefined) return hit;
  const p = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(slot * SLOT))
      .map((x) => [x.type, x.value]),
  );
  const asUtc = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  const offset = Math.round((asUtc - slot * SLOT) / 60000);
  if (++offsetsKept > 100_000) {
    offsets.clear();
    dayOffsets.clear();
    offsetsKept = 1;
    offsets.set(timeZone, (zone = new Map()));
  }
  zone.set(slot, offset);
  return offset;
};

/**
 * The zone's offset from UTC at an instant, in minutes. Zones change their offset only on whole quarter
 * hours, and at most once a day: a UTC day that starts and ends on one offset keeps it throughout, so Intl is
 * asked twice a day met (a log's events fall on a few thousand days), and once a 15-minute slot of the rare
 * day whose offset changes.
 */
const offsetMinutes = (instantMs: number, timeZone: string): number => {
  const day = Math.floor(instantMs / DAY);
  let whole = dayOffsets.get(timeZone)?.get(day);
  if (whole === undefined) {
    const start = slotOffset((day * DAY) / SLOT, timeZone);
    whole = start === slotOffset(((day + 1) * DAY) / SLOT, timeZone) ? start : null;
    // asking Intl may have forgotten every zone's days (the bound is the slots': two a day at least)
    let kept = dayOffsets.get(timeZone);
    if (!kept) dayOffsets.set(timeZone, (kept = new Map()));
    kept.set(day, whole);
  }
  return whole ?? slotOffset(Math.floor(instantMs / SLOT), timeZone);
};

const millis = (instant: Date | string): number =>
  typeof instant === 'string' ? Date.parse(instant) : instant.getTime();

/** The zone's wall clock at an instant, in milliseconds whose UTC reading is the local time. */
const wallMs = (instantMs: number, timeZone: string): number =>
  instantMs + offsetMinutes(instantMs, timeZone) * 60000;

/** The instant at which the zone's wall clock shows `wall` (milliseconds read as UTC). */
const instantOfWall = (wall: number, timeZone: string): number => {
  const first = wall - offsetMinutes(wall, timeZone) * 60000;
  return wall - offsetMinutes(first, timeZone) * 60000;
};

/** YYYY-MM-DD of each day number asked about (a log's events fall on a few thousand days). */
const dates = new Map<number, string>();
const dateOfDay = (dayNumber: number): string => {
  let d = dates.get(dayNumber);
  if (d === undefined) {
    const iso = new Date(dayNumber * DAY).toISOString();
    // a year past 9999 is written with its sign and six digits
    d = iso.slice(0, iso.indexOf('T'));
    if (dates.size >= 50_000) dates.clear();
    dates.set(dayNumber, d);
  }
  return d;
};

const MAX_DATE_MS = 8.64e15;
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * `new Date(ms).toISOString()`, the same text, for a fraction of its cost: the date part is remembered per
 * day, the time part joined from tables (a rebuild writes two deadlines for each of its receipts).
 */
export const isoOf = (instantMs: number): string => {
  // outside Date's range (or not a number) Date answers (or throws) itself; inside, it keeps whole milliseconds
  if (!(Math.abs(instantMs) <= MAX_DATE_MS)) return new Date(instantMs).toISOString();
  const ms = Math.trunc(instantMs);
  const day = Math.floor(ms / DAY);
  const t = ms - day * DAY;
  const date = dateOfDay(day);
  return `${date}T${TWO[Math.floor(t / HOUR)]}:${TWO[Math.floor(t / 60000) % 60]}:${TWO[Math.floor(t / 1000) % 60]}.${THREE[t % 1000]}Z`;
};

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The calendar date (YYYY-MM-DD) of an instant in the zone. */
export const localDate = (instant: Date | string, timeZone: string): string => {
  const ms = millis(instant);
  if (Number.isNaN(ms)) throw new RangeError('Invalid time value');
  return dateOfDay(Math.floor(wallMs(ms, timeZone) / DAY));
};

/** The wall-clock time (HH:MM:SS.mmm) of an instant in the zone. */
export const localTime = (instant: Date | string, timeZone: string): string => {
  const ms = millis(instant);
  if (Number.isNaN(ms)) throw new RangeError('Invalid time value');
  const wall = wallMs(ms, timeZone);
  const t = wall - Math.floor(wall / DAY) * DAY;
  return `${pad(Math.floor(t / HOUR), 2)}:${pad(Math.floor(t / 60000) % 60, 2)}:${pad(Math.floor(t / 1000) % 60, 2)}.${pad(t % 1000, 3)}`;
};

/** The instant at which the zone's wall clock shows `date` `time` (HH:MM or HH:MM:SS.mmm). */
export const zonedInstant = (date: string, time: string, timeZone: string): Date =>
  new Date(instantOfWall(Date.parse(`${date}T${time.length === 5 ? time + ':00.000' : time}Z`), timeZone));

/**
 * The instant at which the zone's wall clock shows the same time as at `instant`, `days` calendar days later
 * (the same as `zonedInstant(addDays(localDate(i), days), localTime(i))`, without the strings).
 */
export const sameLocalTimeDaysLater = (instant: Date | string, days: number, timeZone: string): Date =>
  sameLocalTimesDaysLater(instant, [days], timeZone)[0]!;

/** `sameLocalTimeDaysLater` for several counts of days at once (the instant is read and placed once). */
export const sameLocalTimesDaysLater = (
  instant: Date | string,
  days: readonly number[],
  timeZone: string,
): Date[] => sameLocalTimesDaysLaterMs(instant, days, timeZone).map((ms) => new Date(ms));

/** `sameLocalTimesDaysLater` as milliseconds since the epoch. */
export const sameLocalTimesDaysLaterMs = (
  instant: Date | string,
  days: readonly number[],
  timeZone: string,
): number[] => {
  const ms = millis(instant);
  if (Number.isNaN(ms)) throw new RangeError('Invalid time value');
  const wall = wallMs(ms, timeZone);
  return days.map((d) => instantOfWall(wall + d * DAY, timeZone));
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
