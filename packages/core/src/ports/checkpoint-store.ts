/** Where projections and the worker remember how far they have read the global log. */
export interface CheckpointStore {
  load(name: string): Promise<bigint>;
  save(name: string, position: bigint): Promise<void>;
}
