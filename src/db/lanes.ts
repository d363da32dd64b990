import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';

/**
 * Two lanes to the PostgreSQL pool, so a GET by id never waits behind heavy work. Bulk work —
 * list requests (their cost grows with the data) and jobs (a chunk holds its connection for its
 * whole transaction) — runs inside `asBulk` and may hold at most `size − reserved` connections
 * at once; the rest wait their turn here, in order, not in the pool's own line, which is first
 * come first served for everyone. Everything else (reads by id, writes, pg-boss's statements)
 * goes straight to the pool, where `reserved` connections are always left for it.
 * Measured in bench/pool-priority.ts (BENCHMARKS.md): with 100 heavy lists in flight, a GET by id
 * waited seconds in the pool's line before.
 */

interface Lane {
  /** Waits for a connection as long as it takes (a job), instead of the pool's connect timeout (a request: then 503). */
  patient: boolean;
}

const bulkLane = new AsyncLocalStorage<Lane>();

/** Runs `fn` as bulk work: its statements use the shared connections only (see above). */
export function asBulk<T>(fn: () => T, lane: Lane = { patient: false }): T {
  return bulkLane.run(lane, fn);
}

/** The message of a bulk wait that gave up: pg's own for a pool wait, so it is treated as one (503, db/errors.ts). */
const GAVE_UP = 'timeout exceeded when trying to connect: every connection that lists and jobs may use is busy';

/** What Kysely's PostgresDialect needs of a pool. */
export interface LanedPool {
  connect(): Promise<pg.PoolClient>;
  end(): Promise<void>;
  /** Bulk work waiting for its lane (not yet in the pool's own line). */
  waiting(): number;
}

/**
 * `pool` (of `size` connections) with `reserved` of them kept from bulk work; reserved 0: one lane,
 * as pg's pool alone. A bulk request gives up after `waitMs` (as pg's pool does for a connection).
 */
export function withLanes(
  pool: pg.Pool,
  { size, reserved, waitMs }: { size: number; reserved: number; waitMs: number },
): LanedPool {
  const shared = Math.max(1, size - reserved);
  let inUse = 0;
  const waiting: Array<() => void> = [];
  const take = (lane: Lane) =>
    new Promise<void>((resolve, reject) => {
      if (inUse < shared) {
        inUse++;
        return resolve();
      }
      const timer = lane.patient
        ? undefined
        : setTimeout(() => {
            waiting.splice(waiting.indexOf(turn), 1);
            reject(new Error(GAVE_UP));
          }, waitMs);
      function turn() {
        clearTimeout(timer);
        inUse++;
        resolve();
      }
      waiting.push(turn);
    });
  const give = () => {
    inUse--;
    waiting.shift()?.();
  };
  return {
    async connect() {
      const lane = bulkLane.getStore();
      if (!lane || reserved === 0) return pool.connect();
      await take(lane);
      try {
        const client = await pool.connect();
        const release = client.release;
        client.release = (err?: Error | boolean) => {
          client.release = release;
          give();
          return release.call(client, err);
        };
        return client;
      } catch (e) {
        give();
        throw e;
      }
    },
    end: () => pool.end(),
    waiting: () => waiting.length,
  };
}
