import type { Tier } from '../events/values';
import { defaultPolicyConfig } from './config';
import { cadenceState, nextContactDue } from './contact-cadence';

const since = '2026-03-02T02:00:00.000Z'; // 2 March in Shanghai

describe('contact cadence (DOMAIN.md §4, 000 §五.3)', () => {
  it.each([
    ['A', '2026-03-09', '2026-05-02'],
    ['B', '2026-03-09', '2026-06-02'],
    ['C', '2026-03-16', '2026-07-02'],
  ] as [Tier, string, string][])(
    '§4 cadence: a tier %s archive without contacts — phone due %s, visit due %s (A/B phone weekly, C fortnightly; visits 2/3/4 months)',
    (tier, phone, visit) => {
      const input = { tier, tierSince: since, lastContact: {} };
      expect(nextContactDue(defaultPolicyConfig, input, 'phone')).toBe(phone);
      expect(nextContactDue(defaultPolicyConfig, input, 'visit')).toBe(visit);
    },
  );

  it('§4 cadence: the next due date runs from the last contact of that channel', () => {
    const input = {
      tier: 'B' as const,
      tierSince: since,
      lastContact: { phone: '2026-03-20T03:00:00.000Z', visit: '2026-04-15T06:00:00.000Z' },
    };
    expect(nextContactDue(defaultPolicyConfig, input, 'phone')).toBe('2026-03-27');
    expect(nextContactDue(defaultPolicyConfig, input, 'visit')).toBe('2026-07-15');
  });

  it('§4 cadence: from max(last contact, tierSince) — a tier change after the last contact reschedules from the change', () => {
    const input = {
      tier: 'A' as const,
      tierSince: '2026-04-01T02:00:00.000Z',
      lastContact: { phone: '2026-03-20T03:00:00.000Z' },
    };
    expect(nextContactDue(defaultPolicyConfig, input, 'phone')).toBe('2026-04-08');
    expect(nextContactDue(defaultPolicyConfig, input, 'visit')).toBe('2026-06-01');
  });

  it('§4 cadence: dates are company-calendar dates (a call at 00:30 on 21 March in Shanghai, still 20 March in UTC, counts for the 21st)', () => {
    const input = {
      tier: 'B' as const,
      tierSince: since,
      lastContact: { phone: '2026-03-20T16:30:00.000Z' },
    };
    expect(nextContactDue(defaultPolicyConfig, input, 'phone')).toBe('2026-03-28');
  });

  it.each([
    ['2026-03-08T15:59:59.000Z', 'not_due'],
    ['2026-03-08T16:00:00.000Z', 'due'],
    ['2026-03-09T15:59:59.000Z', 'due'],
    ['2026-03-09T16:00:00.000Z', 'overdue'],
  ])(
    '§4 cadence: a contact due on 9 March, asked at %s, is %s (due on its date, overdue after it)',
    (now, state) => {
      expect(cadenceState(defaultPolicyConfig, '2026-03-09', now)).toBe(state);
    },
  );
});
