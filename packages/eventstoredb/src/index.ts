export type { EventStoreDbEventStore, EventStoreDbOptions } from './event-store';
export { eventStoreDbEventStore, openEventStoreDb } from './event-store';
export type { EsdbConnection, EsdbEventToWrite, EsdbFilter, EsdbRecord } from './client';
export { connectEventStoreDb, isEventStoreDbUrl } from './client';
