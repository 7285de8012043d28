export * from './projection';
export * from './runner';
export * from './decode';
export * from './read-models';
export * from './read-models/sql';
export * from './statement-cache';
