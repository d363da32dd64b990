import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, probeDatabase, type Database } from '../../src/db/database.js';
import { REQUESTS_BEFORE_BACKGROUND } from '../../src/db/pglite-session.js';

/**
 * PGlite's one session in two lanes (db/pglite-session.ts): requests' statements before job work
 * queued earlier, the event loop turning between a job's statements, and jobs not starved. Checked
 * by the order things happen in, not by how long they take.
 */
describe('the embedded database session', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createDatabase({ dataDir: 'memory://' });
  });
  afterAll(async () => database?.close());

  /** Holds the session in a job's transaction until `open()`; resolves once it holds it. */
  async function holdSession() {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let holding!: () => void;
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const done = database.inBackground(() =>
      database.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        holding();
        await gate;
      }),
    );
    await held;
    return { open, done };
  }
  const select = (label: string) =>
    sql<{ label: string }>`select ${label}::text as label`.execute(database.db).then((r) => r.rows[0].label);

  it('serves a request before job work that asked for the session earlier', async () => {
    const session = await holdSession();
    const order: string[] = [];
    const job = database.inBackground(() => select('job')).then((l) => order.push(l));
    const request = select('request').then((l) => order.push(l));
    session.open();
    await Promise.all([session.done, job, request]);
    expect(order).toEqual(['request', 'job']);
  });

  it("lets the event loop turn between a job's statements (requests are read while a job runs)", async () => {
    let statements = 0;
    let turnedAfter: number | undefined;
    setImmediate(() => {
      turnedAfter = statements;
    });
    await database.inBackground(() =>
      database.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 20; i++) {
          await sql`select ${i}::int`.execute(trx);
          statements++;
        }
      }),
    );
    expect(turnedAfter).toBeDefined();
    expect(turnedAfter!).toBeLessThan(20);
  });

  it('gives job work a turn after a run of requests, so a steady stream of them cannot stop it', async () => {
    const session = await holdSession();
    const order: string[] = [];
    const job = database.inBackground(() => select('job')).then((l) => order.push(l));
    const requests = Array.from({ length: REQUESTS_BEFORE_BACKGROUND + 10 }, (_, i) =>
      select(`r${i}`).then((l) => order.push(l)),
    );
    session.open();
    await Promise.all([session.done, job, ...requests]);
    expect(order.indexOf('job')).toBe(REQUESTS_BEFORE_BACKGROUND);
    expect(order.filter((l) => l !== 'job')).toEqual(requests.map((_, i) => `r${i}`));
  });

  // PGlite runs a statement synchronously on the thread that calls it: on the server's thread a
  // long statement stopped everything else (no request was even read); it runs in a thread of its own
  it('runs statements in a thread of its own: the event loop turns while a long one runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      let during = 0;
      const started = performance.now();
      await sql`select count(*) from generate_series(1, 3000000)`.execute(database.db).then(() => {
        during = ticks;
      });
      const ms = performance.now() - started;
      // a turn every few ms of it at the least (in one thread the timer fired at most once or twice)
      expect(ms).toBeGreaterThan(50);
      expect(during).toBeGreaterThanOrEqual(Math.min(10, Math.floor(ms / 20)));
    } finally {
      clearInterval(timer);
    }
  });

  it('answers a health probe at once while job work holds the session (busy, not gone)', async () => {
    expect(await probeDatabase(database)).toBeUndefined(); // idle: a statement of its own
    const session = await holdSession();
    try {
      const note = await Promise.race([
        probeDatabase(database),
        new Promise((resolve) => setTimeout(() => resolve('still waiting for the job'), 5_000).unref()),
      ]);
      expect(note).toEqual({ busyForMs: expect.any(Number) });
    } finally {
      session.open();
      await session.done;
    }
  });

  it('keeps serving after a failed statement in either lane', async () => {
    await expect(database.inBackground(() => sql`select 1/0`.execute(database.db))).rejects.toThrow(/division by zero/);
    await expect(sql`select nothing_here`.execute(database.db)).rejects.toThrow(/nothing_here/);
    await expect(
      database.inBackground(() =>
        database.db.transaction().execute(async (trx) => {
          await sql`select 1/0`.execute(trx);
        }),
      ),
    ).rejects.toThrow(/division by zero/);
    expect(await Promise.all([select('a'), database.inBackground(() => select('b'))])).toEqual(['a', 'b']);
  });
});
