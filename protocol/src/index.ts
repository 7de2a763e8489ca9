export * from './version';
export * from './domain';
export * from './health';
export * from './events';
export * from './positions';
