import { randomUUID } from 'node:crypto';
import type { Clock, EventStore } from '@dossier/core';
import { eventStoreContract } from '@dossier/core/testing';
import { openEventStoreDb } from '../src';
import type { EsdbStandIn } from './stand-in/esdb-stand-in';
import { startEsdbStandIn } from './stand-in/esdb-stand-in';

/*
 * The whole EventStore contract, three ways:
 * 1. against the EventStoreDB protocol stand-in, one stand-in per store, streams unprefixed, appends by
 *    BatchAppend (what current servers advertise);
 * 2. against one shared stand-in that advertises nothing (an older server: appends by Append), each store in
 *    its own stream namespace;
 * 3. against a live EventStoreDB / KurrentDB server when DOSSIER_ESDB_URL is set, each store in its own
 *    namespace (the server is shared and never emptied).
 * The stand-in runs the real client over real gRPC: it proves the adapter's use of the protocol, not the
 * server's behaviour. Only (3) proves the latter.
 */

const withServer = (store: EventStore, stop: () => Promise<void>): EventStore => ({
  ...store,
  async close() {
    await store.close();
    await stop();
  },
});

eventStoreContract(
  'eventstoredb on the EventStoreDB protocol stand-in (BatchAppend; proves the protocol use, not the server)',
  {
    async open(clock: Clock): Promise<EventStore> {
      const standIn = await startEsdbStandIn({ appendMode: 'batch' });
      const store = await openEventStoreDb({ url: standIn.url, clock });
      return withServer(store, () => standIn.stop());
    },
    // EventStoreDB has no read of all streams in stream order: rebuilds there read in position order
    withoutReadByStream: true,
  },
);

const run = randomUUID().slice(0, 8);
let stores = 0;
let shared: Promise<EsdbStandIn> | undefined;

eventStoreContract(
  'eventstoredb on a shared EventStoreDB protocol stand-in (Append, namespaced; proves the protocol use, not the server)',
  {
    async open(clock: Clock): Promise<EventStore> {
      shared ??= startEsdbStandIn({ appendMode: 'legacy' });
      const standIn = await shared;
      return openEventStoreDb({ url: standIn.url, clock, streamPrefix: `ns${run}n${++stores}_` });
    },
    async teardown() {
      await (await shared)?.stop();
    },
    withoutReadByStream: true,
  },
);

const live = process.env.DOSSIER_ESDB_URL;
if (live) {
  eventStoreContract(`eventstoredb on the live server at ${live}`, {
    open: (clock: Clock) =>
      openEventStoreDb({ url: live, clock, streamPrefix: `dossier_contract_${run}_${++stores}_` }),
    withoutReadByStream: true,
  });
} else {
  describe('eventstoredb on a live server', () => {
    it.skip('runs the contract when DOSSIER_ESDB_URL is set (see the README)', () => undefined);
  });
}
