import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/database.js';
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
    const gate = new Promise<void>((resolve) => { open = resolve; });
    let holding!: () => void;
    const held = new Promise<void>((resolve) => { holding = resolve; });
    const done = database.inBackground(() => database.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      holding();
      await gate;
    }));
    await held;
    return { open, done };
  }
  const select = (label: string) => sql<{ label: string }>`select ${label}::text as label`.execute(database.db).then((r) => r.rows[0].label);

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
    setImmediate(() => { turnedAfter = statements; });
    await database.inBackground(() => database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 20; i++) {
        await sql`select ${i}::int`.execute(trx);
        statements++;
      }
    }));
    expect(turnedAfter).toBeDefined();
    expect(turnedAfter!).toBeLessThan(20);
  });

  it('gives job work a turn after a run of requests, so a steady stream of them cannot stop it', async () => {
    const session = await holdSession();
    const order: string[] = [];
    const job = database.inBackground(() => select('job')).then((l) => order.push(l));
    const requests = Array.from({ length: REQUESTS_BEFORE_BACKGROUND + 10 }, (_, i) => select(`r${i}`).then((l) => order.push(l)));
    session.open();
    await Promise.all([session.done, job, ...requests]);
    expect(order.indexOf('job')).toBe(REQUESTS_BEFORE_BACKGROUND);
    expect(order.filter((l) => l !== 'job')).toEqual(requests.map((_, i) => `r${i}`));
  });

  it('keeps serving after a failed statement in either lane', async () => {
    await expect(database.inBackground(() => sql`select 1/0`.execute(database.db))).rejects.toThrow(/division by zero/);
    await expect(sql`select nothing_here`.execute(database.db)).rejects.toThrow(/nothing_here/);
    await expect(database.inBackground(() => database.db.transaction().execute(async (trx) => {
      await sql`select 1/0`.execute(trx);
    }))).rejects.toThrow(/division by zero/);
    expect(await Promise.all([select('a'), database.inBackground(() => select('b'))])).toEqual(['a', 'b']);
  });
});
