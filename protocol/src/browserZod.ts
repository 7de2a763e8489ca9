import { z } from 'zod';

/*
 * In a browser (the console, the hospital board, the crew tablet) zod must never reach for `new Function`: the
 * Content-Security-Policy allows no eval, and even zod's probe of whether it may is refused and reported. zod
 * decides when each object schema is built, so index.ts imports this module before any schema. The server keeps
 * the compiled parsers.
 */
if (typeof window !== 'undefined') z.config({ jitless: true });
