import type { Kysely } from 'kysely';
import type { ArchiveEvent, ArchiveRead, PolicyConfig, RecordedEvent } from '@dossier/core';

/** An event as read models see it: decoded, with personal values still sealed. */
export type ProjectedEvent =
  | {
      readonly kind: 'archive';
      readonly archiveId: string;
      readonly recorded: RecordedEvent;
      readonly event: ArchiveEvent;
    }
  | {
      readonly kind: 'read';
      readonly archiveId: string;
      readonly recorded: RecordedEvent;
      readonly read: ArchiveRead;
    };

export interface ProjectionContext {
  /** The transaction the batch is applied in (read-model rows and checkpoint commit together). */
  readonly db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The physical name of one of this projection's tables, for the version being built. */
  readonly table: (base: string) => string;
  readonly config: PolicyConfig;
  readonly dialect: 'sqlite' | 'postgres';
}

/**
 * A read model: pure in what it decides (event in, row changes out), expressed as typed SQL through kysely
 * so the same definition runs on SQLite and PostgreSQL.
 */
export interface Projection {
  readonly name: string;
  /** A new version rebuilds into new tables side by side, then takes over. */
  readonly version: number;
  readonly tables: readonly string[];
  createTables(ctx: ProjectionContext): Promise<void>;
  apply(ctx: ProjectionContext, e: ProjectedEvent): Promise<void>;
  /** Called once at the end of each batch, inside its transaction, for projections that coalesce writes. */
  flush?(ctx: ProjectionContext): Promise<void>;
}

export const physicalTable = (base: string, version: number): string => `rm_${base}_v${version}`;
