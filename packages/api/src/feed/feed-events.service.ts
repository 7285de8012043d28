import type { AddressInfo } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Actor, RecordedEvent } from '@dossier/core';
import { readLogStream } from '@dossier/core';
import { DOSSIER } from '../app/tokens';
import type { Dossier } from '../compose';
import { archiveReadEvent } from '../queries/read-event';
import type { Disclosure } from './cloud-event';
import { CloudEventBuilder } from './cloud-event';
import type { FeedSettings } from './feed-settings';
import { FEED_SETTINGS } from './feed-tokens';

const FRAME_CACHE = 20_000;

/** The CloudEvents of the log, shared by the SSE feed and the webhooks, and the read log of opened values. */
@Injectable()
export class FeedEventsService {
  readonly builder: CloudEventBuilder;
  /** Withheld-scope JSON by position: many consumers of the same events serialize each one once. */
  private readonly withheld = new Map<bigint, string>();
  private readonly order: (bigint | undefined)[] = new Array<bigint | undefined>(FRAME_CACHE);
  private next = 0;
  private base: string | undefined;

  constructor(
    @Inject(DOSSIER) private readonly dossier: Dossier,
    @Inject(FEED_SETTINGS) private readonly settings: FeedSettings,
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
  ) {
    this.builder = new CloudEventBuilder(dossier.events, dossier.keys, () => this.baseUrl());
  }

  /** Where consumers reach the API: DOSSIER_PUBLIC_URL, else the address it listens on. */
  baseUrl(): string {
    if (this.settings.publicUrl) return this.settings.publicUrl;
    if (this.base) return this.base;
    const address = this.host.httpAdapter?.getHttpServer()?.address() as AddressInfo | string | null;
    if (!address || typeof address === 'string') return 'http://localhost';
    const ip = address.address === '0.0.0.0' || address.address === '::' ? 'localhost' : address.address;
    this.base = `http://${ip.includes(':') ? `[${ip}]` : ip}:${address.port}`;
    return this.base;
  }

  /** The event as JSON with personal values withheld (cached); undefined when the store must be read first. */
  withheldJsonNow(r: RecordedEvent): string | undefined {
    const hit = this.withheld.get(r.position);
    if (hit !== undefined) return hit;
    const event = this.builder.buildWithheldNow(r);
    return event && this.remember(r.position, JSON.stringify(event));
  }

  /** The same, reading the store when needed. */
  async withheldJson(r: RecordedEvent): Promise<string> {
    return (
      this.withheldJsonNow(r) ??
      this.remember(r.position, JSON.stringify(await this.builder.build(r, ['events:read'])))
    );
  }

  /**
   * Oldest out first, by a ring of keys: evicting through `map.keys().next()` skips every deleted entry still
   * in the table, which made a long catch-up slower and slower.
   */
  private remember(position: bigint, json: string): string {
    const old = this.order[this.next];
    if (old !== undefined) this.withheld.delete(old);
    this.order[this.next] = position;
    this.next = (this.next + 1) % FRAME_CACHE;
    this.withheld.set(position, json);
    return json;
  }

  /**
   * DOMAIN.md §6 for the feed: before an archive's personal values leave in plaintext for the first time in a
   * stream (or a subscription, per process), the read is recorded in its read log. No record, no plaintext.
   */
  disclosure(reader: Actor, grant: string, purpose: string): Disclosure {
    const recorded = new Set<string>();
    return async (archiveId) => {
      if (recorded.has(archiveId)) return;
      const at = new Date().toISOString();
      const res = await this.dossier.events.append(
        readLogStream(archiveId),
        [archiveReadEvent(reader, archiveId, grant, at, purpose)],
        'any',
      );
      if (res._tag === 'Left') throw new Error(`the read of ${archiveId} could not be recorded`);
      recorded.add(archiveId);
      if (recorded.size > 100_000) recorded.clear();
    };
  }
}
