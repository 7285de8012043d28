import { GENESIS_HASH } from '@dossier/core';
import type { SchemaNames } from './schema-names';

/** One step of the schema's history. Applied once, in order, inside the migration transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (n: SchemaNames) => string;
}

/** Positions stay below 2^48 so that a position fits in an advisory-lock key next to the schema tag. */
export const MAX_POSITION = (1n << 48n) - 1n;

const v1 = ({ q, schema, tag }: SchemaNames) => `
CREATE SEQUENCE ${q}.global_position AS bigint MINVALUE 1 MAXVALUE ${MAX_POSITION} CACHE 1;

-- data and metadata are json, not jsonb: json keeps the text exactly as written (jsonb would reorder keys and
-- normalise numbers), so what is read back re-hashes to the stored hash.
-- recorded_at is the ISO-8601 text the hash covers (Date.toISOString(): fixed width, so it sorts as time).
CREATE TABLE ${q}.events (
  position        bigint PRIMARY KEY,
  stream_id       text NOT NULL,
  revision        bigint NOT NULL CHECK (revision >= 0),
  event_id        text NOT NULL,
  type            text NOT NULL,
  schema_version  integer NOT NULL,
  data            json NOT NULL,
  metadata        json NOT NULL,
  recorded_at     text NOT NULL,
  prev_hash       text NOT NULL,
  hash            text NOT NULL,
  CONSTRAINT events_stream_revision UNIQUE (stream_id, revision),
  CONSTRAINT events_stream_event_id UNIQUE (stream_id, event_id)
);

CREATE TABLE ${q}.streams (
  stream_id      text PRIMARY KEY,
  last_revision  bigint NOT NULL,
  last_position  bigint NOT NULL,
  last_hash      text NOT NULL
);

-- wrapped IS NULL is a tombstone: the key was destroyed and may never be created again.
CREATE TABLE ${q}.keys (
  archive_id    text PRIMARY KEY,
  wrapped       bytea,
  created_at    timestamptz NOT NULL DEFAULT now(),
  destroyed_at  timestamptz
);

CREATE TABLE ${q}.checkpoints (
  name        text PRIMARY KEY,
  position    bigint NOT NULL CHECK (position >= 0),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Why an append did not write (the write itself is one statement built by append-sql.ts): from the
-- committed head, with nothing locked or written. status: 0 nothing to write and the expectation holds (an
-- empty append), 1 conflict, 2 replay of an earlier append (every event id already in the stream), 3 stale
-- (the expectation holds, but the events were sealed on another head: revision / hash say which).
CREATE FUNCTION ${q}.append_status(
  p_stream_id text,
  p_expected_kind smallint,
  p_expected bigint,
  p_event_ids text[],
  OUT o_status smallint,
  OUT o_revision bigint,
  OUT o_hash text
) LANGUAGE plpgsql AS $fn$
DECLARE
  n integer := coalesce(array_length(p_event_ids, 1), 0);
  known integer;
BEGIN
  SELECT s.last_revision, s.last_hash INTO o_revision, o_hash
    FROM ${q}.streams s WHERE s.stream_id = p_stream_id;
  IF NOT FOUND THEN
    o_revision := -1;
    o_hash := '${GENESIS_HASH}';
  END IF;
  -- a retry (every event id already in the stream) is answered with the first result; a partial overlap is
  -- not a retry and conflicts
  IF n > 0 AND o_revision >= 0 THEN
    SELECT count(*) INTO known FROM ${q}.events e
     WHERE e.stream_id = p_stream_id AND e.event_id = ANY (p_event_ids);
    IF known > 0 THEN
      o_status := CASE WHEN known = n THEN 2 ELSE 1 END;
      RETURN;
    END IF;
  END IF;
  IF NOT (p_expected_kind = 0
          OR (p_expected_kind = 1 AND o_revision = -1)
          OR (p_expected_kind = 2 AND o_revision >= 0)
          OR (p_expected_kind = 3 AND o_revision = p_expected)) THEN
    o_status := 1;
  ELSIF n = 0 THEN
    o_status := 0;
  ELSE
    o_status := 3;
  END IF;
END
$fn$;

-- late commits, reader side (R1–R3). Each statement takes its own snapshot (a VOLATILE function under READ
-- COMMITTED), so the head is counted after the lock table was read.
CREATE FUNCTION ${q}.read_horizon(OUT safe bigint, OUT head bigint) LANGUAGE plpgsql AS $fn$
DECLARE
  lowest_marker bigint;
BEGIN
  safe := coalesce(pg_sequence_last_value('${q}.global_position'::regclass), 0);
  SELECT min(((l.classid::bigint & 65535) << 32) | l.objid::bigint) INTO lowest_marker
    FROM pg_catalog.pg_locks l
   WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND (l.classid::bigint >> 16) = ${tag}
     AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = current_database());
  IF lowest_marker IS NOT NULL AND lowest_marker - 1 < safe THEN
    safe := lowest_marker - 1;
  END IF;
  SELECT coalesce(max(e.position), 0) INTO head FROM ${q}.events e WHERE e.position <= safe;
END
$fn$;

COMMENT ON SCHEMA ${q} IS 'Dossier event store (${schema}): events, streams, keys, checkpoints';
`;

export const migrations: readonly Migration[] = [
  { version: 1, name: 'events, streams, keys, checkpoints, append and read-horizon functions', up: v1 },
];

export const LATEST_SCHEMA_VERSION = migrations.at(-1)!.version;
