import type { SchemaNames } from './schema-names';

/**
 * The write of an append, in ONE statement, for events sealed on the head the client presumes:
 *   $1 stream id, $2 presumed revision (-1: a new stream), $3 presumed hash, $4 event ids, $5 types,
 *   $6 schema versions, $7 data (a JSON array, one element per event), $8 metadata (likewise), $9 recorded at,
 *   $10 hashes, $11 look for the event ids first (inside a caller's transaction, where a unique violation
 *   would abort it).
 * Answers (written, positions): written = number of events when the stream row was still at the presumed
 * head (claimed: inserted for a new stream, updated from the presumed revision and hash otherwise, and so
 * locked until commit), 0 when not; then nothing was written and `append_status` says why.
 *
 * Late commits, writer side (read-horizon.ts, W1–W3): `marker` takes the shared advisory lock keyed by the
 * last position handed out + 1, and `positions` calls nextval once per row of `marker`: a row that exists
 * only after the lock call has returned. MATERIALIZED keeps both CTEs from being folded into their readers.
 * Positions are sorted into an array and given to the events in their order, so that global order and
 * stream order agree. Positions taken when the claim fails stay unused (holes).
 * json (not jsonb): json_array_elements hands back each element's text as the client wrote it.
 * Row estimates must not depend on the parameter values (unnest($4), not generate_series(1, cardinality($4))):
 * then the plan cache settles on one generic plan after five executions instead of planning every call anew
 * (measured: +0.2 ms per append when it re-planned).
 */
export const appendSql = ({ q, tag }: SchemaNames, newStream: boolean): string => {
  const claim = newStream
    ? `INSERT INTO ${q}.streams (stream_id, last_revision, last_position, last_hash)
         SELECT $1, cardinality($4::text[]) - 1, p.ps[cardinality(p.ps)], ($10::text[])[cardinality($10::text[])]
           FROM positions p WHERE p.ps IS NOT NULL
         ON CONFLICT (stream_id) DO NOTHING
         RETURNING 1`
    : `UPDATE ${q}.streams AS s
          SET last_revision = $2 + cardinality($4::text[]), last_position = p.ps[cardinality(p.ps)],
              last_hash = ($10::text[])[cardinality($10::text[])]
         FROM positions p
        WHERE s.stream_id = $1 AND s.last_revision = $2 AND s.last_hash = $3 AND p.ps IS NOT NULL
        RETURNING 1`;
  return `
WITH fresh AS MATERIALIZED (
  SELECT 1 AS ok
   WHERE NOT ($11::boolean AND EXISTS (
     SELECT 1 FROM ${q}.events e WHERE e.stream_id = $1 AND e.event_id = ANY ($4::text[])))
), marker AS MATERIALIZED (
  SELECT pg_advisory_xact_lock_shared(
           (${tag}::bigint << 48) | (coalesce(pg_sequence_last_value('${q}.global_position'::regclass), 0) + 1)) AS ok
    FROM fresh
), positions AS MATERIALIZED (
  SELECT array_agg(x.p ORDER BY x.p) AS ps
    FROM (SELECT nextval('${q}.global_position'::regclass) AS p
            FROM marker, unnest($4::text[])) x
), claimed AS (
  ${claim}
), written AS (
  INSERT INTO ${q}.events
      (position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
    SELECT p.ps[u.o], $1, $2 + u.o, u.event_id, u.type, u.schema_version, u.data, u.metadata, $9,
           CASE WHEN u.o = 1 THEN $3 ELSE ($10::text[])[u.o - 1] END, u.hash
      FROM claimed, positions p,
           ROWS FROM (unnest($4::text[]), unnest($5::text[]), unnest($6::integer[]), json_array_elements($7::json),
                      json_array_elements($8::json), unnest($10::text[]))
           WITH ORDINALITY AS u(event_id, type, schema_version, data, metadata, hash, o)
    RETURNING 1
)
SELECT (SELECT count(*) FROM written)::integer, (SELECT ps FROM positions)`;
};
