import * as t from 'io-ts';
import type { CommandResult } from '@dossier/core';
import { NonEmpty } from '@dossier/core';

/** Positions and revisions are bigint: they travel as decimal strings. */
export const Decimal = t.string;

/** What every successful command answers (documented in OpenAPI from this codec). */
export const CommandResultBody = t.intersection(
  [
    t.type({
      archiveId: NonEmpty,
      /** The archive's revision after the command: send it back as If-Match. */
      revision: Decimal,
      /** The global position of the command's last event: `?after=` this on a query reads your write. */
      position: Decimal,
      /** True when the Idempotency-Key had been used before and nothing new was appended. */
      replayed: t.boolean,
      events: t.array(t.type({ type: t.string, revision: Decimal, position: Decimal })),
    }),
    t.partial({ id: t.string }),
  ],
  'CommandResult',
);
export type CommandResultBody = t.TypeOf<typeof CommandResultBody>;

export const commandResultBody = (r: CommandResult, id?: string): CommandResultBody => ({
  archiveId: r.archiveId as NonEmpty,
  revision: r.revision.toString(),
  position: r.position.toString(),
  replayed: r.replayed,
  events: r.events.map((e) => ({
    type: e.type,
    revision: e.revision.toString(),
    position: e.position.toString(),
  })),
  ...(id !== undefined ? { id } : {}),
});
