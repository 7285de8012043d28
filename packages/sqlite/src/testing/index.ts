export * from './temp-database';
export * from './child-process';
