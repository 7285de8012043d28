export * from './temp-database';
