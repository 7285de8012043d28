// ports
export * from './ports/event-store';
export * from './ports/projectable-event';
export * from './ports/key-store';
export * from './ports/clock';
export * from './ports/checkpoint-store';
export * from './ports/subscription';
export * from './ports/read-model-writer';
// events
export * from './events/values';
export * from './events/struct';
export * from './events/validation';
export * from './events/profile';
export * from './events/archive-events';
export * from './events/read-events';
export * from './events/upcasters';
export * from './events/serialization';
// the archive decider
export * from './archive/state';
export * from './archive/errors';
export * from './archive/commands';
export * from './archive/evolve';
export * from './archive/decide';
export * from './archive/findings';
export { diffProfile } from './archive/rules/update';
export { deriveNumber } from './archive/rules/creation';
export { retentionUntil } from './archive/rules/destruction';
// policies
export * from './policies/config';
export * from './policies/time-zone';
export * from './policies/access';
export * from './policies/update-sla';
export * from './policies/contact-cadence';
export * from './policies/borrowing-due';
export * from './policies/tier-proposal';
// handler
export * from './handler/command-handler';
export * from './handler/load';
export * from './handler/authorize';
export * from './handler/event-id';
// integrity and privacy
export * from './integrity/canonical-json';
export * from './integrity/hash-chain';
export * from './integrity/verify';
export * from './privacy/encryption';
export * from './privacy/key-store';
export * from './privacy/personal-fields';
// reference adapters
export * from './memory/in-memory-event-store';
export * from './memory/in-memory-key-store';
