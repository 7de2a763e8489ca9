// Public API of @dispatch/server, for the start script, benchmarks and tests: build the app, its config, its log.
export { createApp } from './app';
export type { App, AppDeps } from './app';
export { ConfigError, loadConfig } from './config';
export type { Config } from './config';
export { createLogger } from './logger';
export type { Logger } from './logger';
export { seedDemo } from './demo/seedDemo';
export type { DemoLogins } from './demo/seedDemo';
