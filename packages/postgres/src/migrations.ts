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

-- The append, in one round trip. status: 0 written, 1 conflict, 2 replay of an earlier append (same event
-- ids), 3 the caller sealed its events on a stale head (actual_revision / actual_hash say what the head is).
-- The order of the steps under "late commits" is the rule explained in read-horizon.ts: do not reorder.
CREATE FUNCTION ${q}.append_events(
  p_stream_id text,
  p_expected_kind smallint,
  p_expected bigint,
  p_presumed_revision bigint,
  p_presumed_hash text,
  p_event_ids text[],
  p_types text[],
  p_schema_versions integer[],
  p_data json[],
  p_metadata json[],
  p_recorded_at text,
  p_hashes text[],
  OUT o_status smallint,
  OUT o_revision bigint,
  OUT o_hash text,
  OUT o_positions bigint[]
) LANGUAGE plpgsql AS $fn$
DECLARE
  n integer := coalesce(array_length(p_event_ids, 1), 0);
  known integer;
  last_taken bigint;
BEGIN
  SELECT s.last_revision, s.last_hash INTO o_revision, o_hash
    FROM ${q}.streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
  IF NOT FOUND THEN
    o_revision := -1;
    o_hash := '${GENESIS_HASH}';
  END IF;

  -- a retry (every event id already in the stream) is answered with the first result; a partial overlap is
  -- not a retry and conflicts. The first id decides cheaply; the unique key catches the rest.
  IF n > 0 AND o_revision >= 0 AND EXISTS (
    SELECT 1 FROM ${q}.events e WHERE e.stream_id = p_stream_id AND e.event_id = p_event_ids[1]
  ) THEN
    SELECT count(*) INTO known FROM ${q}.events e
      WHERE e.stream_id = p_stream_id AND e.event_id = ANY (p_event_ids);
    o_status := CASE WHEN known = n THEN 2 ELSE 1 END;
    RETURN;
  END IF;

  IF NOT (p_expected_kind = 0
          OR (p_expected_kind = 1 AND o_revision = -1)
          OR (p_expected_kind = 2 AND o_revision >= 0)
          OR (p_expected_kind = 3 AND o_revision = p_expected)) THEN
    o_status := 1;
    RETURN;
  END IF;
  IF n = 0 THEN
    o_status := 0;
    o_positions := '{}';
    RETURN;
  END IF;
  IF o_revision <> p_presumed_revision OR o_hash <> p_presumed_hash THEN
    o_status := 3;
    RETURN;
  END IF;

  -- late commits, writer side (W1–W3): marker lock first, positions after.
  SELECT CASE WHEN g.is_called THEN g.last_value ELSE g.last_value - 1 END INTO last_taken
    FROM ${q}.global_position g;
  PERFORM pg_advisory_xact_lock_shared((${tag}::bigint << 48) | (last_taken + 1));
  SELECT array_agg(x.p ORDER BY x.p) INTO o_positions
    FROM (SELECT nextval('${q}.global_position'::regclass) AS p FROM generate_series(1, n)) x;

  INSERT INTO ${q}.events
      (position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
    SELECT o_positions[u.o], p_stream_id, o_revision + u.o, u.event_id, u.type, u.schema_version, u.data,
           u.metadata, p_recorded_at, CASE WHEN u.o = 1 THEN o_hash ELSE p_hashes[u.o - 1] END, u.hash
      FROM unnest(p_event_ids, p_types, p_schema_versions, p_data, p_metadata, p_hashes)
           WITH ORDINALITY AS u(event_id, type, schema_version, data, metadata, hash, o);

  IF o_revision < 0 THEN
    INSERT INTO ${q}.streams (stream_id, last_revision, last_position, last_hash)
      VALUES (p_stream_id, n - 1, o_positions[n], p_hashes[n]);
  ELSE
    UPDATE ${q}.streams
       SET last_revision = o_revision + n, last_position = o_positions[n], last_hash = p_hashes[n]
     WHERE stream_id = p_stream_id;
  END IF;
  o_status := 0;
  o_revision := o_revision + n;
  o_hash := p_hashes[n];
END
$fn$;

-- late commits, reader side (R1–R3). Each statement takes its own snapshot (a VOLATILE function under READ
-- COMMITTED), so the head is counted after the lock table was read.
CREATE FUNCTION ${q}.read_horizon(OUT safe bigint, OUT head bigint) LANGUAGE plpgsql AS $fn$
DECLARE
  lowest_marker bigint;
BEGIN
  SELECT CASE WHEN g.is_called THEN g.last_value ELSE g.last_value - 1 END INTO safe
    FROM ${q}.global_position g;
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
