/**
 * Makes a race happen every time on PostgreSQL: a test session locks a table that both racing
 * requests write to last (their audit entry), so each stops where it would commit, after doing
 * its checks and writes, until the test lets them go. `waiting(n)` returns once `n` sessions are
 * blocked behind the gate (directly, or behind a session that is), so the test knows both
 * requests have got as far as they can before it opens the gate.
 */
import pg from 'pg';
import type { TestApp } from '../../helpers/app.js';
import { POSTGRES_URL } from '../../helpers/databases.js';
import { until } from '../../helpers/processes.js';

export interface Gate {
  /** Resolves once `n` other sessions wait, directly or in a chain, on the gate's lock. */
  waiting(n: number): Promise<void>;
  open(): Promise<void>;
}

export async function closeGate(t: TestApp, table = 'audit_log'): Promise<Gate> {
  if (!t.services.database.schema) throw new Error('a gate needs PostgreSQL (one session per transaction)');
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`set search_path = ${t.services.database.schema}`);
  await client.query('begin');
  // EXCLUSIVE blocks inserts, not reads: the requests' checks run, their last write waits
  await client.query(`lock table ${table} in exclusive mode`);
  const pid = (await client.query('select pg_backend_pid() as pid')).rows[0].pid as number;
  const blocked = async () => {
    const { rows } = await client.query(
      `select pid, pg_blocking_pids(pid) as by from pg_stat_activity where datname = current_database()`,
    );
    const behind = new Set<number>([pid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const r of rows) {
        if (!behind.has(r.pid) && (r.by as number[]).some((b) => behind.has(b))) {
          behind.add(r.pid);
          grew = true;
        }
      }
    }
    return behind.size - 1;
  };
  return {
    waiting: (n) =>
      until(async () => (await blocked()) >= n, `${n} sessions waiting behind the gate`).then(() => undefined),
    async open() {
      await client.query('commit');
      await client.end();
    },
  };
}
