import fc from 'fast-check';
import {
  addDays,
  addMonths,
  isoOf,
  localDate,
  localTime,
  sameLocalTimeDaysLater,
  startOfLocalDay,
  zonedInstant,
} from './time-zone';

describe('company time zone (DOMAIN.md §3, §4, §6: calendar days in Asia/Shanghai)', () => {
  it.each([
    ['2026-03-02T15:59:59.999Z', '2026-03-02'],
    ['2026-03-02T16:00:00.000Z', '2026-03-03'],
    ['2026-12-31T16:00:00.000Z', '2027-01-01'],
  ])('time zone: the instant %s falls on %s in Shanghai', (instant, date) => {
    expect(localDate(instant, 'Asia/Shanghai')).toBe(date);
    expect(localDate(new Date(instant), 'Asia/Shanghai')).toBe(date);
  });

  it('time zone: zonedInstant is the instant the zone’s wall clock shows the date and time', () => {
    expect(zonedInstant('2026-03-02', '18:00', 'Asia/Shanghai').toISOString()).toBe(
      '2026-03-02T10:00:00.000Z',
    );
    expect(zonedInstant('2026-03-02', '00:00', 'Asia/Shanghai').toISOString()).toBe(
      '2026-03-01T16:00:00.000Z',
    );
    expect(startOfLocalDay('2026-03-02', 'Asia/Shanghai').toISOString()).toBe('2026-03-01T16:00:00.000Z');
  });

  it('time zone: zonedInstant follows daylight saving where a zone has it', () => {
    expect(zonedInstant('2026-01-15', '18:00', 'America/New_York').toISOString()).toBe(
      '2026-01-15T23:00:00.000Z',
    );
    expect(zonedInstant('2026-07-15', '18:00', 'America/New_York').toISOString()).toBe(
      '2026-07-15T22:00:00.000Z',
    );
    expect(zonedInstant('2026-03-08', '01:00', 'America/New_York').toISOString()).toBe(
      '2026-03-08T06:00:00.000Z',
    );
    expect(zonedInstant('2026-03-08', '05:00', 'America/New_York').toISOString()).toBe(
      '2026-03-08T09:00:00.000Z',
    );
    expect(zonedInstant('2026-11-01', '05:00', 'America/New_York').toISOString()).toBe(
      '2026-11-01T10:00:00.000Z',
    );
  });

  it('time zone: localDate and localTime read what Intl reads at any instant, on days a zone changes its offset too', () => {
    // daylight saving of an hour and of half an hour, an offset of 5:45, and none
    const zones = [
      'America/New_York',
      'Europe/London',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
      'Asia/Shanghai',
    ];
    // the wall clock as another of Intl's ways reads it (Swedish writes "YYYY-MM-DD HH:MM:SS")
    const read = (ms: number, tz: string) =>
      new Date(ms).toLocaleString('sv-SE', { timeZone: tz, hourCycle: 'h23' });
    const check = (ms: number, tz: string) =>
      expect(`${localDate(new Date(ms), tz)} ${localTime(new Date(ms), tz).slice(0, 8)}`).toBe(read(ms, tz));
    // every quarter hour (and the millisecond before it) of each day of 2026 whose offset changes, then
    // instants anywhere
    for (const tz of zones) {
      const offsetAt = (ms: number) =>
        Date.parse(read(ms, tz).replace(' ', 'T') + 'Z') - Math.floor(ms / 1000) * 1000;
      const start = Date.UTC(2026, 0, 1);
      for (let day = 0; day < 365; day++) {
        const a = start + day * 86_400_000;
        const b = a + 86_400_000;
        if (offsetAt(a) === offsetAt(b)) continue;
        for (let t = a - 3_600_000; t <= b + 3_600_000; t += 900_000) {
          check(t, tz);
          check(t - 1, tz);
        }
      }
    }
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, tz) => check(ms, tz),
      ),
    );
  });

  it('time zone: isoOf(ms) is the text of new Date(ms).toISOString(), for any instant Date holds', () => {
    const same = (ms: number) => expect(isoOf(ms)).toBe(new Date(ms).toISOString());
    for (const ms of [0, -1, 1.9, -1.9, 8.64e15, -8.64e15, Date.UTC(9999, 11, 31, 23, 59, 59, 999)]) same(ms);
    fc.assert(fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), same));
    fc.assert(fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }), same));
    for (const bad of [NaN, Infinity, 8.64e15 + 1]) expect(() => isoOf(bad)).toThrow(RangeError);
  });

  it('time zone: localDate ∘ zonedInstant is the identity on dates', () => {
    for (const d of ['2026-01-01', '2026-02-28', '2026-03-08', '2026-11-01', '2028-02-29'])
      for (const tz of ['Asia/Shanghai', 'America/New_York', 'Europe/London'])
        expect(localDate(zonedInstant(d, '12:00', tz), tz)).toBe(d);
  });

  it.each([
    ['2026-03-02', 7, '2026-03-09'],
    ['2026-02-25', 7, '2026-03-04'],
    ['2026-12-28', 14, '2027-01-11'],
    ['2026-03-02', -1, '2026-03-01'],
  ])('time zone: addDays(%s, %i) = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-03-31', 2, '2026-05-31'],
    ['2026-03-31', 3, '2026-06-30'],
    ['2026-11-30', 3, '2027-02-28'],
    ['2026-03-02', 60, '2031-03-02'],
    ['2028-02-29', 12, '2029-02-28'],
  ])('time zone: addMonths(%s, %i) = %s, clamped to the month’s last day', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it('time zone (DOMAIN.md §3): n calendar days later at the same wall-clock time, across DST changes too', () => {
    const zones = [
      'Asia/Shanghai',
      'America/New_York',
      'Europe/London',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
    ];
    // every 7 h 13 min 17.123 s for two years: every hour of the day, both sides of every transition
    const step = 7 * 3_600_000 + 13 * 60_000 + 17_123;
    for (const tz of zones)
      for (let t = Date.parse('2025-01-01T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += step)
        for (const days of [1, 2, 30]) {
          const at = new Date(t).toISOString();
          const expected = zonedInstant(
            addDays(localDate(at, tz), days),
            localTime(at, tz),
            tz,
          ).toISOString();
          expect([tz, at, days, sameLocalTimeDaysLater(at, days, tz).toISOString()]).toEqual([
            tz,
            at,
            days,
            expected,
          ]);
        }
  });

  it('time zone: localTime reads the wall clock to the millisecond', () => {
    expect(localTime('2026-03-02T15:59:59.999Z', 'Asia/Shanghai')).toBe('23:59:59.999');
    expect(localTime('2026-07-15T22:05:09.007Z', 'America/New_York')).toBe('18:05:09.007');
    expect(localTime('2026-07-15T00:00:00.000Z', 'Asia/Kathmandu')).toBe('05:45:00.000');
    expect(() => localDate('not a date', 'Asia/Shanghai')).toThrow(RangeError);
  });
});
