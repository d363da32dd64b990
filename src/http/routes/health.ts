import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';

/** What one dependency reports: UP, DEGRADED (serving with less: say what), or DOWN. */
export interface HealthReport {
  status: 'UP' | 'DEGRADED' | 'DOWN';
  /** Why, for a person reading it (never a secret). */
  detail?: string;
}

/**
 * One dependency `/health` asks about. A `critical` one that is DOWN makes `/health` answer 503
 * (the process cannot serve the API: the database); any other problem is reported with 200 and
 * `status: DEGRADED` (the API still answers: e.g. rate-limit counters kept per node while Redis is away).
 */
export interface HealthCheck {
  name: string;
  critical: boolean;
  check(): Promise<HealthReport>;
}

/** One statement running this long on the embedded database is reported (DEGRADED): busy, or stuck. */
const STUCK_AFTER_MS = 10_000;

/**
 * Asks the database whether it answers now: resolves, perhaps with a note that job work holds the
 * embedded database (how long its current statement has run), or rejects with an Error whose
 * message says what kind of failure it was and is safe to show on this public route.
 */
export type DatabaseProbe = () => Promise<{ busyForMs: number } | void>;

/** The database: critical (no request can be served without it). DOWN says what kind of failure it was. */
export function databaseCheck(probe: DatabaseProbe): HealthCheck {
  return {
    name: 'database',
    critical: true,
    async check() {
      try {
        const note = await probe();
        if (!note) return { status: 'UP' };
        const seconds = Math.round(note.busyForMs / 1000);
        return note.busyForMs < STUCK_AFTER_MS
          ? {
              status: 'UP',
              detail:
                'busy with background work (a load or a processing run); requests wait for its current transaction',
            }
          : {
              status: 'DEGRADED',
              detail: `the embedded database has been running one statement for ${seconds} s; requests wait for it`,
            };
      } catch (e) {
        return { status: 'DOWN', detail: `the database does not answer (${(e as Error).message})` };
      }
    },
  };
}

/** A check that does not answer within this long counts as DOWN (a probe must not hang with the outage). */
const CHECK_TIMEOUT_MS = 2_000;

const Report = Type.Object({
  status: Type.Union([Type.Literal('UP'), Type.Literal('DEGRADED'), Type.Literal('DOWN')]),
  detail: Type.Optional(Type.String()),
});
const HealthBody = Type.Object({
  status: Type.Union([Type.Literal('UP'), Type.Literal('DEGRADED'), Type.Literal('DOWN')]),
  checks: Type.Record(Type.String(), Report),
});

async function run(check: HealthCheck): Promise<HealthReport> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthReport>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: 'DOWN', detail: `no answer within ${CHECK_TIMEOUT_MS} ms` }),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([
      check.check().catch((e): HealthReport => ({ status: 'DOWN', detail: String((e as Error)?.message ?? e) })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** `GET /health`: 200 (UP or DEGRADED) while the API can serve, 503 while a critical dependency is DOWN. */
export function healthRoutes(app: FastifyInstance, checks: readonly HealthCheck[]) {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: { hide: true, response: { 200: HealthBody, 503: HealthBody } },
    },
    async (_request, reply) => {
      const reports = await Promise.all(checks.map(run));
      const down = checks.some((c, i) => c.critical && reports[i].status === 'DOWN');
      const status = down ? 'DOWN' : reports.every((r) => r.status === 'UP') ? 'UP' : 'DEGRADED';
      if (down) reply.code(503).header('Retry-After', '5');
      return { status, checks: Object.fromEntries(checks.map((c, i) => [c.name, reports[i]])) };
    },
  );
}
