import type { Either } from 'fp-ts/Either';
import { left, right } from 'fp-ts/Either';
import type { ArchiveCommand } from '../archive/commands';
import { ArchiveCommandCodec } from '../archive/commands';
import type { ArchiveDecider } from '../archive/decide';
import { makeArchiveDecider } from '../archive/decide';
import type { DecideError } from '../archive/errors';
import { domainError } from '../archive/errors';
import { deriveNumber } from '../archive/rules/creation';
import type { ArchiveState } from '../archive/state';
import { archiveStream } from '../events/read-events';
import type { DecodeError } from '../events/serialization';
import { encodeEvent } from '../events/serialization';
import { toValidationError } from '../events/validation';
import type { PolicyConfig } from '../policies/config';
import { defaultPolicyConfig } from '../policies/config';
import type { Clock } from '../ports/clock';
import type { ConcurrencyConflict, EventStore, EventToAppend, RecordedEvent } from '../ports/event-store';
import type { KeyStore } from '../ports/key-store';
import { sealPersonal, sealerFor } from '../privacy/personal-fields';
import { authorizeCommand } from './authorize';
import { deterministicEventId } from './event-id';
import { archiveCache } from './archive-cache';

export interface CommandHandlerDeps {
  readonly store: EventStore;
  readonly keys: KeyStore;
  readonly clock: Clock;
  readonly config?: PolicyConfig;
  /** Attempts on a concurrency conflict before giving up (when no explicit revision was expected). */
  readonly maxAttempts?: number;
  /** How many archives' states the handler keeps between commands (LRU; 0 turns the cache off). */
  readonly cachedArchives?: number;
}

/** Events that carry personal fields and so need the archive's data key to be written. */
const personalEvents = new Set(['ArchiveCreated', 'ArchiveUpdated', 'ContactLogged']);

export interface CommandResult {
  readonly archiveId: string;
  /** The archive's revision after the command. */
  readonly revision: bigint;
  /** The global position of the command's last event (0n when it appended nothing). */
  readonly position: bigint;
  readonly events: readonly RecordedEvent[];
  /** True when this command id had been handled before and nothing new was appended. */
  readonly replayed: boolean;
  readonly state: ArchiveState;
}

export type HandlerError = DecideError | ConcurrencyConflict | DecodeError;

export interface ExecuteOptions {
  /** `If-Match`: the revision the caller saw; a different current revision is a conflict, never retried. */
  readonly expectedRevision?: bigint;
  readonly correlationId?: string;
}

/** Input as callers send it: the command without `issuedAt` (the clock sets it) or with it. */
export type CommandInput = Omit<ArchiveCommand, 'issuedAt'> & { issuedAt?: string };

const reasonOf = (c: ArchiveCommand): string | undefined =>
  'reason' in c ? (c.reason as string) : undefined;

/**
 * Load the stream, decide, append with the expected revision; bounded retry on conflict; idempotent by
 * command id (the same command id twice appends nothing new and answers the first result).
 */
export const commandHandler = (deps: CommandHandlerDeps) => {
  const config = deps.config ?? defaultPolicyConfig;
  const decider: ArchiveDecider = makeArchiveDecider(config);
  const maxAttempts = deps.maxAttempts ?? 10;
  const cache = archiveCache(deps.store, deps.keys, deps.cachedArchives ?? 10_000);

  const reserveNumber = async (archiveId: string, number: string): Promise<Either<DecideError, void>> => {
    const stream = `number-${number}`;
    const ev: EventToAppend = {
      eventId: deterministicEventId('number', number, archiveId),
      type: 'ArchiveNumberReserved',
      schemaVersion: 1,
      data: { archiveId, number },
      metadata: {
        actor: { id: 'system', role: 'system', department: '' },
        occurredAt: deps.clock.now().toISOString(),
        correlationId: archiveId,
        causationId: archiveId,
      },
    };
    const res = await deps.store.append(stream, [ev], 'no_stream');
    if (res._tag === 'Right') return right(undefined);
    const [holder] = await deps.store.readStream(stream);
    if (holder && (holder.data as { archiveId?: string }).archiveId === archiveId) return right(undefined);
    return left(
      domainError(
        'archive.number-taken',
        'DOMAIN.md §2 (建档)',
        `archive number ${number} is taken: numbers are unique`,
      ),
    );
  };

  const execute = async (
    input: unknown,
    options: ExecuteOptions = {},
  ): Promise<Either<HandlerError, CommandResult>> => {
    const withTime =
      typeof input === 'object' && input !== null && !('issuedAt' in input)
        ? { ...input, issuedAt: deps.clock.now().toISOString() }
        : input;
    const decoded = ArchiveCommandCodec.decode(withTime);
    if (decoded._tag === 'Left') return left(toValidationError(decoded.left, 'command'));
    let command = decoded.right;
    const stream = archiveStream(command.archiveId);

    if (command.type === 'CreateArchive' && command.number === undefined)
      command = { ...command, number: deriveNumber(command.archiveId, command.issuedAt) };

    for (let attempt = 1; ; attempt++) {
      const loaded = await cache.load(command.archiveId);
      if (loaded._tag === 'Left') return loaded;
      const { state, revision, commands } = loaded.right;

      // idempotency: this command id was handled before
      const earlier = commands.get(command.commandId);
      if (earlier && earlier.actorId !== command.actor.id)
        return left(
          domainError(
            'command.id-reused',
            'DOMAIN.md §2 (every change is attributable)',
            `command id ${command.commandId} was used by someone else: choose another`,
          ),
        );
      if (earlier) {
        const events = await deps.store.readStream(stream, {
          fromRevision: earlier.fromRevision,
          toRevision: earlier.toRevision,
        });
        return right({
          archiveId: command.archiveId,
          revision,
          position: earlier.position,
          events,
          replayed: true,
          state,
        });
      }

      if (state.status === 'destroyed' && !(await deps.keys.isDestroyed(command.archiveId)))
        await deps.keys.destroy(command.archiveId); // finish a destruction that crashed before its key went

      const denied = authorizeCommand(config, command, state);
      if (denied) return left(denied);
      if (options.expectedRevision !== undefined && options.expectedRevision !== revision)
        return left({
          _tag: 'ConcurrencyConflict',
          streamId: stream,
          expected: options.expectedRevision,
          actual: revision,
        });

      const decided = decider.decide(command, state);
      if (decided._tag === 'Left') return decided;
      if (decided.right.length === 0)
        return right({
          archiveId: command.archiveId,
          revision,
          position: 0n,
          events: [],
          replayed: false,
          state,
        });

      if (command.type === 'CreateArchive') {
        const reserved = await reserveNumber(command.archiveId, command.number!);
        if (reserved._tag === 'Left') return reserved;
      }

      const needsKey = decided.right.some((e) => personalEvents.has(e.type));
      const key = needsKey
        ? (loaded.right.key ?? (await deps.keys.getOrCreate(command.archiveId)))
        : loaded.right.key;
      const seal = needsKey && key ? sealerFor(key, command.archiveId) : undefined;
      const reason = reasonOf(command);
      const toAppend: EventToAppend[] = decided.right.map((e, i) => {
        const encoded = encodeEvent(e);
        return {
          eventId: deterministicEventId(command.commandId, String(i)),
          type: encoded.type,
          schemaVersion: encoded.schemaVersion,
          data: seal ? sealPersonal(encoded.type, encoded.data, seal) : encoded.data,
          metadata: {
            actor: {
              id: command.actor.id,
              role: command.actor.role,
              department: command.actor.department,
              ...(command.actor.name ? { name: command.actor.name } : {}),
            },
            occurredAt: command.issuedAt,
            correlationId: options.correlationId ?? command.commandId,
            causationId: command.commandId,
            commandId: command.commandId,
            ...(reason ? { reason } : {}),
          },
        };
      });

      const appended = await deps.store.append(stream, toAppend, revision < 0n ? 'no_stream' : revision);
      if (appended._tag === 'Left') {
        if (options.expectedRevision !== undefined || attempt >= maxAttempts) return appended;
        continue;
      }
      const written = appended.right;
      if (written.events[0]?.metadata.commandId !== command.commandId) continue; // a retry answered with another's events: reload
      const nextState = decided.right.reduce(decider.evolve, state);
      const destroyed = nextState.status === 'destroyed';
      if (destroyed) await deps.keys.destroy(command.archiveId);
      cache.remember(command.archiveId, {
        state: nextState,
        revision: written.nextRevision,
        commands: commands.set(command.commandId, {
          actorId: command.actor.id,
          fromRevision: written.events[0]!.revision,
          toRevision: written.nextRevision,
          position: written.position,
        }),
        ...(key && !destroyed ? { key } : {}),
      });
      return right({
        archiveId: command.archiveId,
        revision: written.nextRevision,
        position: written.position,
        events: written.events,
        replayed: false,
        state: nextState,
      });
    }
  };

  return { execute, decider, config };
};

export type CommandHandler = ReturnType<typeof commandHandler>;
