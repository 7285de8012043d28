import { right } from 'fp-ts/Either';
import type { CommandOf } from '../commands';
import { forbid, reject } from '../errors';
import type { Rule } from './context';
import { event } from './context';

/** 移交 (004 §5.2.5): signed off by the department head and customer service. */
export const handover: Rule<CommandOf<'ChangeCustodian'>> = (c, archive, config) => {
  if (c.to.id === archive.custodian.id)
    return reject('handover.same-custodian', 'DOMAIN.md §2 (移交)', `${c.to.id} is the custodian already`);
  const signers = config.handover.signOffRoles.map((r) => c.signedOffBy.find((s) => s.role === r));
  const missing = config.handover.signOffRoles.filter((_r, i) => !signers[i]);
  if (missing.length === 0 && new Set(signers.map((s) => s!.id)).size < signers.length)
    return reject(
      'handover.same-signer',
      'DOMAIN.md §2 (移交), 004 §5.2.5',
      'each sign-off must come from a different person',
    );
  if (missing.length > 0)
    return reject(
      'handover.sign-off-missing',
      'DOMAIN.md §2 (移交), 004 §5.2.5',
      `the handover needs the sign-off of: ${missing.join(', ')}`,
    );
  return right([
    event('CustodianChanged', {
      from: archive.custodian,
      to: c.to,
      reason: c.reason,
      signedOffBy: c.signedOffBy,
    }),
  ]);
};

/** 密级 (004 §5.1.5): set and changed by customer service only. */
export const changeSecrecy: Rule<CommandOf<'ChangeSecrecyLevel'>> = (c, archive, config) => {
  if (!config.secrecy.setterRoles.includes(c.actor.role))
    return forbid(
      'secrecy.customer-service-only',
      'DOMAIN.md §2 (密级), 004 §5.1.5',
      'the secrecy level is set by customer service only',
    );
  if (c.to === archive.secrecyLevel)
    return reject('secrecy.unchanged', 'DOMAIN.md §2 (密级)', `the secrecy level is ${c.to} already`);
  return right([event('SecrecyLevelChanged', { from: archive.secrecyLevel, to: c.to, reason: c.reason })]);
};
