/**
 * bench/load-decision: the read-only statements a load runs before it applies anything, against
 * the apply itself, on the same data in the same run. A source with N accounts (each with an
 * identity whose state has a `uid`, under a profile on the source) and a staged file of N rows
 * with 1 % updated, 2 % left out (removed) and 1 % new. Per statement: the median of 3 timings;
 * the apply (all of its steps, as on PostgreSQL) runs in a transaction that is rolled back, so every timing sees the same data.
 *
 *   npx tsx bench/load-decision.ts [N=100000] [--pglite]
 */
import { sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, migrateToLatest } from '../src/db/database.js';
import { createRepositories } from '../src/db/repositories/index.js';
import { applyProgressOf, applyStep } from '../src/domain/accounts/apply.js';
import type { TaskRecord } from '../src/domain/tasks/repository.js';
import { freshDatabase } from './lib/server.js';

const args = process.argv.slice(2);
const N = Number(args.find((a) => !a.startsWith('--')) ?? 100_000);
const PGLITE = args.includes('--pglite');
const TASK = 'bench-task';
const SOURCE = 'bench-source';

async function main() {
  const pg = PGLITE ? undefined : await freshDatabase('bench_decision');
  const dir = PGLITE ? mkdtempSync(join(tmpdir(), 'bench-decision-')) : undefined;
  const database = await createDatabase(pg ? { databaseUrl: pg.url, poolSize: 2 } : { dataDir: join(dir!, 'data') });
  try {
    await migrateToLatest(database);
    const { db } = database;
    const started = performance.now();
    await sql`insert into sources (id, name, connector, type, created, modified) values (${SOURCE}, 'HR', 'delimited-file', 'DelimitedFile', now(), now())`.execute(
      db,
    );
    await sql`insert into identity_profiles (id, name, priority, authoritative_source_id, identity_attribute_config, has_time_based_attr, json_head, json_tail)
      values ('bench-profile', 'Staff', 10, ${SOURCE}, '{}', false, '{}', '{}')`.execute(db);
    await sql`insert into identities (id, name, profile_id) select lpad(to_hex(g), 16, '0') || 'i', 'user' || g, 'bench-profile' from generate_series(1, ${N}) g`.execute(
      db,
    );
    await sql`insert into accounts (id, source_id, native_identity, name, attributes, identity_id)
      select lpad(to_hex(g), 16, '0') || 'a', ${SOURCE}, 'E' || g, 'user' || g,
             jsonb_build_object('id', 'E' || g, 'name', 'user' || g, 'mail', 'user' || g || '@example.com', 'dept', 'D' || (g % 7)),
             lpad(to_hex(g), 16, '0') || 'i'
      from generate_series(1, ${N}) g`.execute(db);
    await sql`insert into identity_state (identity_id, attributes) select id, jsonb_build_object('uid', name) from identities`.execute(
      db,
    );
    await sql`insert into tasks (id, type, name, description, launcher, launched, modified) values (${TASK}, 'CLOUD_ACCOUNT_AGGREGATION', 'bench', 'bench', 'bench', now(), now())`.execute(
      db,
    );
    await sql`insert into account_load_rows (task_id, native_identity, line_no, name, attributes)
      select ${TASK}, 'E' || g, g + 1, 'user' || g,
             jsonb_build_object('id', 'E' || g, 'name', 'user' || g, 'mail', 'user' || g || '@example.com', 'dept', case when g % 100 = 0 then 'Moved' else 'D' || (g % 7) end)
      from generate_series(1, ${N + N / 100}) g where not (g % 50 = 1 and g <= ${N})`.execute(db);
    await sql`analyze`.execute(db);
    const setupSeconds = (performance.now() - started) / 1000;

    const repos = createRepositories(db);
    const time = async (fn: () => Promise<unknown>) => {
      const ms: number[] = [];
      let result: unknown;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        result = await fn();
        ms.push(performance.now() - t0);
      }
      return { ms: ms.sort((a, b) => a - b)[1], result };
    };
    const rolledBack = (fn: (r: ReturnType<typeof createRepositories>) => Promise<unknown>) => async () => {
      let result: unknown;
      await db
        .transaction()
        .execute(async (trx) => {
          result = await fn(createRepositories(trx));
          throw new RollBack();
        })
        .catch((e) => {
          if (!(e instanceof RollBack)) throw e;
        });
      return result;
    };
    const rows: Array<[string, { ms: number; result: unknown }]> = [
      ['countRemovals (every real load)', await time(() => repos.accounts.countRemovals(TASK, SOURCE))],
      ['compareStaged (dry run)', await time(() => repos.accounts.compareStaged(TASK, SOURCE))],
      ['sampleStaged (dry run)', await time(() => repos.accounts.sampleStaged(TASK, SOURCE, 10))],
      ['previewIdentities (dry run)', await time(() => repos.accounts.previewIdentities(TASK, SOURCE, 10))],
      [
        'the apply (every step, rolled back)',
        await time(
          rolledBack(async (r) => {
            let at = applyProgressOf({ result: null } as TaskRecord);
            while (at.step !== 'done') at = await applyStep(r, TASK, SOURCE, at);
            return at;
          }),
        ),
      ],
      ['countRemovals (again)', await time(() => repos.accounts.countRemovals(TASK, SOURCE))],
    ];
    const out = [
      `N=${N} on ${PGLITE ? 'PGlite' : 'PostgreSQL'} (set-up ${setupSeconds.toFixed(1)} s), load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    ];
    for (const [label, r] of rows)
      out.push(
        `${label.padEnd(38)} ${r.ms.toFixed(0).padStart(7)} ms  ${JSON.stringify(r.result, (k, v) => (k === 'samples' || Array.isArray(v) ? undefined : v))}`,
      );
    out.push(
      `load average after ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await database.close();
    await pg?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

class RollBack extends Error {}

await main();
