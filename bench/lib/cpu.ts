import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system) a process has used, in microseconds (from /proc, clock ticks of 10 ms). */
export function cpuUs(pid: number, which: 'all' | 'sys' = 'all'): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  // utime, stime: fields 14, 15 of stat
  return (which === 'sys' ? Number(fields[12]) : Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** CPU time per PostgreSQL backend serving database `name` (titles read `postgres: [CLUSTER: ]USER NAME HOST(PORT) …`). */
export function backendsCpu(name: string | undefined): Map<number, number> {
  const out = new Map<number, number>();
  if (!name) return out;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (title.startsWith('postgres: ') && title.includes(` ${name} `)) out.set(Number(entry), cpuUs(Number(entry)));
    } catch {
      /* gone */
    }
  }
  return out;
}

/**
 * CPU used by a set of processes between start() and stop(): fixed pids plus every PostgreSQL
 * backend of one database, sampled often enough to count backends that come and go in between.
 */
export function cpuMeter(pids: number[], database?: string) {
  const baseline = new Map<number, number>();
  const latest = new Map<number, number>();
  let started = false;
  const sample = () => {
    const now = backendsCpu(database);
    for (const pid of pids) {
      try {
        now.set(pid, cpuUs(pid));
      } catch {
        /* exited */
      }
    }
    for (const [pid, us] of now) {
      // a process first seen after start() started after it: all of its time counts
      if (!baseline.has(pid)) baseline.set(pid, started ? 0 : us);
      latest.set(pid, us);
    }
    started = true;
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    start() {
      sample();
      timer = setInterval(sample, 100);
    },
    /** Microseconds of CPU since start(): [the given pids, the database's backends]. */
    stop(): [number, number] {
      clearInterval(timer);
      sample();
      let own = 0;
      let db = 0;
      for (const [pid, us] of latest) {
        const used = us - baseline.get(pid)!;
        if (pids.includes(pid)) own += used;
        else db += used;
      }
      return [own, db];
    },
  };
}
