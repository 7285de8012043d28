import { defaultPolicyConfig } from '../policies/config';
import { nextContactDue } from '../policies/contact-cadence';
import {
  command,
  create,
  history,
  later,
  onlyEvent,
  openArchive,
  refusal,
  staff,
  when,
} from './given.spec-helpers';

const changeTier = (to: string, issuedAt = later(10), extra: Record<string, unknown> = {}) =>
  command('ChangeTier', { to, reason: '近12个月交易额排名前20%', ...extra }, staff.director, issuedAt);

describe('升降级 tier change (DOMAIN.md §2, §4)', () => {
  it('§2 升降级: given a B archive, when it is changed to A, then TierChanged from B to A, direction up, with reason and evidence', () => {
    const changed = onlyEvent(
      when(
        changeTier('A', later(10), { evidence: '2025 年合同额 ¥3,200,000', proposalId: 'p-1' }),
        history([create()]),
      ),
      'TierChanged',
    );
    expect(changed).toEqual({
      from: 'B',
      to: 'A',
      direction: 'up',
      reason: '近12个月交易额排名前20%',
      at: later(10),
      evidence: '2025 年合同额 ¥3,200,000',
      proposalId: 'p-1',
    });
  });

  it.each([
    ['A', 'B', 'down'],
    ['A', 'C', 'down'],
    ['B', 'C', 'down'],
    ['C', 'B', 'up'],
    ['C', 'A', 'up'],
    ['B', 'A', 'up'],
  ])('§2 升降级: from %s to %s is %s', (from, to, direction) => {
    expect(onlyEvent(when(changeTier(to), history([create({ tier: from })])), 'TierChanged')).toMatchObject({
      from,
      to,
      direction,
    });
  });

  it.each(['A', 'B', 'C'])(
    '§2 升降级: from must differ from to — %s to itself is refused (tier.unchanged)',
    (tier) => {
      expect(refusal(when(changeTier(tier), history([create({ tier })])))).toEqual({
        _tag: 'DomainError',
        code: 'tier.unchanged',
      });
    },
  );

  it('§2/§4 升降级: TierChanged sets the tier and resets tierSince, so the cadence reschedules at once', () => {
    const s = openArchive(history([create({ tier: 'C' }), changeTier('A', later(10))]));
    expect(s.tier).toBe('A');
    expect(s.tierSince).toBe(later(10));
    // C: phone every 14 days from creation (2026-03-16); now A: every 7 days from the change (2026-03-19)
    expect(nextContactDue(defaultPolicyConfig, openArchive(history([create({ tier: 'C' })])), 'phone')).toBe(
      '2026-03-16',
    );
    expect(nextContactDue(defaultPolicyConfig, s, 'phone')).toBe('2026-03-19');
    expect(nextContactDue(defaultPolicyConfig, s, 'visit')).toBe('2026-05-12');
  });
});
