import { defaultPolicyConfig, withConfig } from './config';
import { slaDeadlines, slaState } from './update-sla';

const receivedAt = '2026-03-02T01:30:45.123Z'; // 09:30:45 on 2 March in Shanghai

describe('update SLA (DOMAIN.md §3, 000 §七.2)', () => {
  it('§3 SLA: warn at receivedAt + 1 calendar day, breach at + 2, to the millisecond', () => {
    expect(slaDeadlines(defaultPolicyConfig, receivedAt)).toEqual({
      warnAt: '2026-03-03T01:30:45.123Z',
      breachAt: '2026-03-04T01:30:45.123Z',
    });
  });

  it('§3 SLA: calendar days in the company time zone — across a DST change the wall-clock time is kept', () => {
    const config = withConfig({ timeZone: 'America/New_York' });
    // 10:00 EST on 7 March 2026; DST begins on 8 March
    expect(slaDeadlines(config, '2026-03-07T15:00:00.000Z')).toEqual({
      warnAt: '2026-03-08T14:00:00.000Z',
      breachAt: '2026-03-09T14:00:00.000Z',
    });
  });

  it('§3 SLA: both limits are configuration', () => {
    const config = withConfig({ updateSla: { warnAfterDays: 2, breachAfterDays: 5 } });
    expect(slaDeadlines(config, receivedAt)).toEqual({
      warnAt: '2026-03-04T01:30:45.123Z',
      breachAt: '2026-03-07T01:30:45.123Z',
    });
  });

  it.each([
    ['2026-03-02T01:30:45.123Z', 'on_time'],
    ['2026-03-03T01:30:45.122Z', 'on_time'],
    ['2026-03-03T01:30:45.123Z', 'warned'],
    ['2026-03-04T01:30:45.122Z', 'warned'],
    ['2026-03-04T01:30:45.123Z', 'breached'],
    ['2026-04-01T00:00:00.000Z', 'breached'],
  ])('§3 SLA: an open receipt at %s is %s', (now, state) => {
    expect(slaState(defaultPolicyConfig, { receivedAt }, now)).toBe(state);
  });

  it.each([
    ['2026-03-02T05:00:00.000Z', 'resolved_on_time'],
    ['2026-03-03T12:00:00.000Z', 'resolved_on_time'],
    ['2026-03-04T01:30:45.123Z', 'resolved_late'],
    ['2026-03-05T00:00:00.000Z', 'resolved_late'],
  ])('§3 SLA: a receipt resolved at %s is %s, whenever it is asked', (resolvedAt, state) => {
    expect(slaState(defaultPolicyConfig, { receivedAt, resolvedAt }, '2026-03-02T02:00:00.000Z')).toBe(state);
    expect(slaState(defaultPolicyConfig, { receivedAt, resolvedAt }, '2027-01-01T00:00:00.000Z')).toBe(state);
  });
});
