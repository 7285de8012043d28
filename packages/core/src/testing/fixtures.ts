/* Commands and actors as specifications and benchmarks use them. */
import { randomUUID } from 'node:crypto';
import type { Role } from '../events/values';
import type { ProjectableEvent } from '../ports/event-store';

export const anActor = (
  role: Role,
  id: string = role,
  department = role === 'other_department' ? 'finance' : 'marketing',
) => ({
  id,
  role,
  department,
  name: `${role} ${id}`,
});

export const aProfile = (name = '上海东方精密机械有限公司') => ({
  company: {
    name,
    address: '上海市浦东新区张江路 88 号',
    phone: '021-5080 1234',
    bankAccount: '6222 0210 0109 8765 432',
    creditCode: '91310115MA1H7XXXX1',
  },
  classification: {
    industry: 'machinery',
    region: 'east',
    nature: 'private_limited',
    status: 'intended',
    source: 'sales_visits',
  },
  people: [
    {
      role: 'main_contact',
      name: '王丽华',
      position: '采购经理',
      mobile: '138 0013 8000',
      birthDate: '1982-05-17',
      hobbies: '羽毛球',
    },
  ],
  business: { mainBusiness: 'CNC machining' },
});

export const aCreateArchive = (
  archiveId: string = randomUUID(),
  overrides: Record<string, unknown> = {},
) => ({
  type: 'CreateArchive' as const,
  commandId: `create-${archiveId}`,
  archiveId,
  actor: anActor('sales_rep', 'rep-1'),
  custodian: { id: 'rep-1', name: '李明', department: 'marketing' },
  department: 'marketing',
  tier: 'B',
  secrecyLevel: 'internal',
  profile: aProfile(),
  ...overrides,
});

export const aLogContact = (
  archiveId: string,
  contactedAt: string,
  overrides: Record<string, unknown> = {},
) => ({
  type: 'LogContact' as const,
  commandId: randomUUID(),
  archiveId,
  actor: anActor('sales_rep', 'rep-1'),
  contactId: randomUUID(),
  channel: 'phone',
  contactedAt,
  withWhom: '王丽华',
  summary: '确认二季度订单',
  ...overrides,
});

/** What read models fold of an event, and nothing more: to compare a rebuild's read with the full events. */
export const projectableOf = (e: ProjectableEvent): ProjectableEvent => ({
  streamId: e.streamId,
  revision: e.revision,
  position: e.position,
  type: e.type,
  schemaVersion: e.schemaVersion,
  data: e.data,
  metadata: e.metadata,
});
