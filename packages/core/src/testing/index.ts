export * from './event-store-contract';
export * from './key-store-contract';
export * from './fixtures';
export * from './read-model-writer-contract';
