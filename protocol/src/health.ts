import { z } from 'zod';

export const ComponentHealth = z.object({ ok: z.boolean(), detail: z.string(), latencyMs: z.number().optional() });
export type ComponentHealth = z.infer<typeof ComponentHealth>;

export const HealthReport = z.object({
  ok: z.boolean(),
  protocolVersion: z.number(),
  components: z.object({
    postgres: ComponentHealth,
    postgis: ComponentHealth,
    pgrouting: ComponentHealth,
    redis: ComponentHealth,
    /** The reports' streaming replica (DATABASE_READ_URL), when one is configured; not part of `ok`: the primary stands in. */
    replica: ComponentHealth.optional(),
  }),
  checkedAt: z.string(),
});
export type HealthReport = z.infer<typeof HealthReport>;
