import { isLeft } from 'fp-ts/Either';
import { aCreateArchive, aProfile } from '../testing/fixtures';
import { ArchiveCommandCodec, commandCodecs } from './commands';
import { deriveNumber } from './rules/creation';
import {
  ID,
  T0,
  command,
  create,
  everyCommandButCreate,
  given,
  history,
  onlyEvent,
  refusal,
  staff,
  when,
} from './given.spec-helpers';

describe('建档 create (DOMAIN.md §2)', () => {
  it('§2 建档: given no archive, when CreateArchive, then ArchiveCreated with the creator, the custodian and the profile', () => {
    const created = onlyEvent(when(create()), 'ArchiveCreated');
    expect(created).toEqual({
      archiveId: ID,
      number: deriveNumber(ID, T0),
      createdAt: T0,
      createdBy: { id: 'rep-1', department: 'marketing', name: 'sales_rep rep-1' },
      custodian: { id: 'rep-1', name: '李明', department: 'marketing' },
      department: 'marketing',
      tier: 'B',
      secrecyLevel: 'internal',
      profile: aProfile(),
    });
  });

  it('§2 建档: the number defaults to deriveNumber (creation date and the head of the archive id)', () => {
    expect(deriveNumber(ID, T0)).toBe('KH-20260302-ARCHIVE0');
    expect(onlyEvent(when(create()), 'ArchiveCreated').number).toBe('KH-20260302-ARCHIVE0');
  });

  it('§2 建档: a number the creator gives is kept', () => {
    expect(onlyEvent(when(create({ number: 'KH-2026-0042' })), 'ArchiveCreated').number).toBe('KH-2026-0042');
  });

  it('§2 建档: creation only of a new stream — given an archive, CreateArchive is refused (archive.exists)', () => {
    expect(refusal(when(create(), history([create()])))).toEqual({
      _tag: 'DomainError',
      code: 'archive.exists',
    });
  });

  it('§2 建档: completeness (000 §四.1) — an archive without any person of the customer is a ValidationError at profile.people', () => {
    expect(refusal(when(create({ profile: { ...aProfile(), people: [] } })))).toEqual({
      _tag: 'ValidationError',
      code: 'profile.people',
    });
  });

  it('§2 建档: a new archive cannot hold destroyed markers (ValidationError at profile)', () => {
    const profile = {
      ...aProfile(),
      company: { ...aProfile().company, bankAccount: { $redacted: 'destroyed' } },
    };
    expect(refusal(when(create({ profile })))).toEqual({ _tag: 'ValidationError', code: 'profile' });
  });

  it.each([
    ['name', (c: Record<string, unknown>) => ({ ...c, profile: { ...aProfile(), company: { phone: '1' } } })],
    ['tier', (c: Record<string, unknown>) => ({ ...c, tier: undefined })],
    ['custodian', (c: Record<string, unknown>) => ({ ...c, custodian: undefined })],
    ['secrecy level', (c: Record<string, unknown>) => ({ ...c, secrecyLevel: undefined })],
  ])('§2 建档: the %s is required — a command without it does not decode', (_what, strip) => {
    const raw = strip({ ...aCreateArchive(ID), issuedAt: T0 });
    expect(isLeft(ArchiveCommandCodec.decode(raw))).toBe(true);
    expect(isLeft(ArchiveCommandCodec.decode({ ...aCreateArchive(ID), issuedAt: T0 }))).toBe(false);
  });

  it('§2 建档: the state starts at the tier and secrecy level given, tierSince at creation, no agreement for an intended customer', () => {
    const s = given(history([create({ tier: 'A', secrecyLevel: 'confidential' })]));
    expect(s).toMatchObject({
      status: 'open',
      tier: 'A',
      tierSince: T0,
      secrecyLevel: 'confidential',
      agreementReached: false,
    });
  });

  it('§2 建档 / §7: a customer created active (合作) counts as an agreement reached', () => {
    const profile = { ...aProfile(), classification: { ...aProfile().classification, status: 'active' } };
    expect(given(history([create({ profile })]))).toMatchObject({ agreementReached: true });
  });

  it('§2: the table of commands names every command but CreateArchive', () => {
    expect(everyCommandButCreate.map(([t]) => t).sort()).toEqual(
      Object.keys(commandCodecs)
        .filter((t) => t !== 'CreateArchive')
        .sort(),
    );
  });

  it.each(everyCommandButCreate)('§2: given no archive, when %s, then archive.not-found', (type, fields) => {
    const by = type === 'RecordFinding' ? staff.worker : staff.keeper;
    expect(refusal(when(command(type, fields, by)))).toEqual({
      _tag: 'DomainError',
      code: 'archive.not-found',
    });
  });
});
