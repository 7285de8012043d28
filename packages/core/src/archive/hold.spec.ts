import { command, create, history, onlyEvent, openArchive, refusal, staff, when } from './given.spec-helpers';

const place = (holdId = 'h1') =>
  command('PlaceHold', { holdId, kind: 'legal', reason: '合同纠纷诉讼' }, staff.head);
const release = (holdId = 'h1') => command('ReleaseHold', { holdId, reason: '诉讼结案' }, staff.head);

describe('冻结 hold (DOMAIN.md §2)', () => {
  it('§2 冻结: given an archive, when a hold is placed, then HoldPlaced says which kind, why and by whom', () => {
    expect(onlyEvent(when(place(), history([create()])), 'HoldPlaced')).toEqual({
      holdId: 'h1',
      kind: 'legal',
      reason: '合同纠纷诉讼',
      placedBy: { id: 'dh-1', department: 'marketing', name: 'department_head dh-1' },
    });
    expect(openArchive(history([create(), place()])).holds).toEqual({
      h1: { kind: 'legal', reason: '合同纠纷诉讼' },
    });
  });

  it('§2 冻结: a hold id is placed once while in place (hold.duplicate)', () => {
    expect(refusal(when(place(), history([create(), place()])))).toEqual({
      _tag: 'DomainError',
      code: 'hold.duplicate',
    });
  });

  it('§2 冻结: given a hold, when it is released, then HoldReleased and the archive is no longer held', () => {
    expect(onlyEvent(when(release(), history([create(), place()])), 'HoldReleased')).toEqual({
      holdId: 'h1',
      reason: '诉讼结案',
      releasedBy: { id: 'dh-1', department: 'marketing', name: 'department_head dh-1' },
    });
    expect(openArchive(history([create(), place(), place('h2'), release()])).holds).toEqual({
      h2: { kind: 'legal', reason: '合同纠纷诉讼' },
    });
  });

  it('§2 冻结: only a hold in place is released (hold.not-found)', () => {
    expect(refusal(when(release(), history([create()])))).toEqual({
      _tag: 'DomainError',
      code: 'hold.not-found',
    });
    expect(refusal(when(release(), history([create(), place(), release()])))).toEqual({
      _tag: 'DomainError',
      code: 'hold.not-found',
    });
  });
});
