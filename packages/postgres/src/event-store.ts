import type { ClientBase, Pool } from 'pg';
import type {
  Clock,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  RecordedEvent,
  StreamHead,
} from '@dossier/core';
import { pageSubscription } from '@dossier/core';
import { appendContext, appendEvents } from './append';
import type { AppendNotifications } from './append-notifications';
import type { AppendEither } from './either';
import type { EventRow } from './event-rows';
import type { ProjectableRow } from './event-rows';
import {
  decodeEvent,
  EVENT_COLUMNS,
  fromProjectableRow,
  PROJECTABLE_COLUMNS,
  projectableColumnsWithMetadataOf,
} from './event-rows';
import type { ReadHorizon } from './read-horizon';
import type { SchemaNames } from './schema-names';
import { streamHeadCache } from './stream-head-cache';

export interface PostgresEventStore extends EventStore {
  /**
   * Append inside the caller's open transaction, e.g. together with other writes. The caller commits (or
   * rolls back) and then calls `appended()`. Readers of the global log wait for that transaction, however
   * long it stays open, before they pass the positions it took (read-horizon.ts). A unique violation here
   * aborts the caller's transaction and is thrown: roll back and try again.
   */
  appendIn(
    client: ClientBase,
    streamId: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
  ): Promise<AppendEither>;
  /** Wake subscribers after a transaction that used `appendIn` committed. */
  appended(): void;
  /** One stream's head (its last revision, position and hash), or undefined when it has no events. */
  streamHead(streamId: string): Promise<StreamHead | undefined>;
}

const NO_UPPER_REVISION = ((1n << 63n) - 1n).toString();

export const postgresEventStore = (
  pool: Pool,
  names: SchemaNames,
  clock: Clock,
  horizon: ReadHorizon,
  notifications: AppendNotifications,
): PostgresEventStore => {
  const ctx = appendContext(names, clock, streamHeadCache());
  const { q, schema } = names;

  /** One page of the global log in (after, bound], filtered. */
  const page = async (
    after: bigint,
    bound: bigint,
    limit: number,
    streamPrefix: string | undefined,
    types: readonly string[] | undefined,
  ): Promise<RecordedEvent[]> => {
    const where = ['position > $1', 'position <= $2'];
    const values: unknown[] = [after.toString(), bound.toString(), limit];
    if (streamPrefix) where.push(`starts_with(stream_id, $${values.push(streamPrefix)})`);
    if (types && types.length > 0) where.push(`type = ANY ($${values.push(types)})`);
    const res = await pool.query<EventRow>({
      name: `${schema}.read_all.${streamPrefix ? 'p' : ''}${types && types.length > 0 ? 't' : ''}`,
      text: `SELECT ${EVENT_COLUMNS} FROM ${q}.events WHERE ${where.join(' AND ')} ORDER BY position LIMIT $3`,
      values,
      rowMode: 'array',
    });
    return res.rows.map(decodeEvent);
  };

  const readAll = async ({ after = 0n, limit = 1000, streamPrefix, types }: ReadAllOptions = {}) => {
    if (limit <= 0) return [];
    let bound = horizon.cached().safe;
    let refreshed = false;
    if (after >= bound) {
      bound = (await horizon.refresh()).safe;
      refreshed = true;
    }
    const out = after < bound ? await page(after, bound, limit, streamPrefix, types) : [];
    if (out.length < limit && !refreshed) {
      // the page held everything up to the cached horizon: ask whether the horizon has moved on since
      const fresh = (await horizon.refresh()).safe;
      if (fresh > bound) out.push(...(await page(bound, fresh, limit - out.length, streamPrefix, types)));
    }
    return out;
  };

  return {
    async append(streamId, events, expected) {
      const { result, wrote } = await appendEvents(pool, ctx, streamId, events, expected, { retry: true });
      if (wrote) notifications.appended();
      return result;
    },

    async appendIn(client, streamId, events, expected) {
      return (await appendEvents(client, ctx, streamId, events, expected, { retry: false })).result;
    },

    appended: () => notifications.appended(),

    async readStream(streamId, { fromRevision = 0n, toRevision, until } = {}) {
      const res = await pool.query<EventRow>({
        name: `${schema}.read_stream`,
        text: `SELECT ${EVENT_COLUMNS} FROM ${q}.events
                WHERE stream_id = $1 AND revision >= $2 AND revision <= $3 AND ($4::text IS NULL OR recorded_at <= $4)
                ORDER BY revision`,
        values: [
          streamId,
          fromRevision.toString(),
          toRevision?.toString() ?? NO_UPPER_REVISION,
          until ?? null,
        ],
        rowMode: 'array',
      });
      const events = res.rows.map(decodeEvent);
      const last = events.at(-1);
      // read to the end: remember the head, so that the append that usually follows takes one round trip
      if (last && toRevision === undefined && until === undefined) {
        ctx.heads.set(streamId, { revision: last.revision, hash: last.hash });
      }
      return events;
    },

    readAll,

    async readByStream({ after, upTo, limit = 1000, metadataOf }) {
      const values: unknown[] = [
        after?.streamId ?? '',
        (after?.revision ?? -1n).toString(),
        upTo.toString(),
        limit,
      ];
      const res = await pool.query<ProjectableRow>({
        name: `${schema}.read_by_stream${metadataOf ? '.some' : ''}`,
        // the row comparison walks the (stream_id, revision) index from the cursor on; an empty id sorts first
        text: `SELECT ${metadataOf ? projectableColumnsWithMetadataOf(values.push(metadataOf)) : PROJECTABLE_COLUMNS}
                FROM ${q}.events
                WHERE (stream_id, revision) > ($1, $2) AND position <= $3
                ORDER BY stream_id, revision LIMIT $4`,
        values,
        rowMode: 'array',
      });
      return res.rows.map(fromProjectableRow);
    },

    subscribe(options) {
      let seen = notifications.generation();
      const read = (o: ReadAllOptions) => {
        seen = notifications.generation();
        return readAll(o);
      };
      const waitForMore = async (signal?: AbortSignal) => {
        await notifications.listen();
        // woken while the last page was being read or handed out: look again at once
        if (notifications.generation() !== seen) return;
        await notifications.wait(signal);
      };
      return pageSubscription(read, waitForMore, options);
    },

    async headPosition() {
      return (await horizon.refresh()).head;
    },

    async streamHead(streamId) {
      const res = await pool.query<[string, string, string]>({
        name: `${schema}.stream_head`,
        text: `SELECT last_revision, last_position, last_hash FROM ${q}.streams WHERE stream_id = $1`,
        values: [streamId],
        rowMode: 'array',
      });
      const row = res.rows[0];
      if (!row) return undefined;
      const head = { streamId, revision: BigInt(row[0]), position: BigInt(row[1]), hash: row[2] };
      ctx.heads.set(streamId, head);
      return head;
    },

    async streamHeads() {
      const res = await pool.query<[string, string, string, string]>({
        name: `${schema}.stream_heads`,
        text: `SELECT stream_id, last_revision, last_position, last_hash FROM ${q}.streams ORDER BY last_position`,
        rowMode: 'array',
      });
      return res.rows.map(([streamId, revision, position, hash]): StreamHead => ({
        streamId,
        revision: BigInt(revision),
        position: BigInt(position),
        hash,
      }));
    },

    close: () => notifications.close(),
  };
};
