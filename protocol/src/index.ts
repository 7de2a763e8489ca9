// First: it configures zod before any schema below is built.
import './browserZod';
export * from './version';
export * from './domain';
export * from './health';
export * from './events';
export * from './positions';
export * from './resources';
export * from './accounts';
export * from './mapQueries';
export * from './incidents';
export * from './lifecycle';
export * from './mapDisplay';
export * from './validation';
export * from './outbox';
export * from './api/contract';
export * from './api/routes';
export * from './api/client';
