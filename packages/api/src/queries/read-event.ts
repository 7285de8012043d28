import { randomUUID } from 'node:crypto';
import type { Actor, EventToAppend, Json } from '@dossier/core';
import { ArchiveRead } from '@dossier/core';

/** The ArchiveRead event of one read of archive detail (DOMAIN.md §6), for its archive's read-log stream. */
export const archiveReadEvent = (
  reader: Actor,
  archiveId: string,
  grant: string,
  at: string,
  purpose?: string,
  correlationId?: string,
): EventToAppend => {
  const id = randomUUID();
  const data = ArchiveRead.encode({
    archiveId: archiveId as never,
    reader,
    grant: grant as never,
    at: at as never,
    ...(purpose ? { purpose } : {}),
  });
  return {
    eventId: id,
    type: 'ArchiveRead',
    schemaVersion: 1,
    data: data as unknown as Json,
    metadata: {
      actor: {
        id: reader.id,
        role: reader.role,
        department: reader.department,
        ...(reader.name ? { name: reader.name } : {}),
      },
      occurredAt: at,
      correlationId: correlationId ?? id,
      causationId: id,
    },
  };
};
