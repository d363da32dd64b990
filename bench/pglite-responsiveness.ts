/**
 * bench/pglite-responsiveness: does the API answer while work runs on embedded PGlite?
 *
 *   npm run bench:pglite                      (builds first)
 *   npx tsx bench/pglite-responsiveness.ts [N=100000] [--interval=100] [--server=OTHER/dist/cli/index.js]
 *
 * A real `serve` on a fresh PGlite data folder; a source and a 10-mapping profile (bench/lib/hr.ts);
 * an upload of N accounts (the load, then the processing run it starts). From the start of the
 * upload until the run completes, a second client sends, every `interval` ms whatever is still
 * outstanding (open loop: a stall shows as many slow answers, not one), `GET /health`, `GET` of
 * the profile and `GET /v3/task-status/{id}` of the task in progress (found in the task list while
 * the upload is still being read). Prints p50 / p99 / max per probe, the longest time the task
 * status showed no change (its `progress` text or completion), the phases' and total time, the
 * server's CPU time, and its RSS idle, during the load and processing, and at peak.
 */
import { mkdtempSync, openAsBlob, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuUs } from './lib/cpu.js';
import { HR_SOURCE, hrProfile, writeHrCsv } from './lib/hr.js';
import { startServer, tokenFor, type RunningServer } from './lib/server.js';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    interval: { type: 'string', default: '100' },
    /** Write every answer's send time and latency, and what the task status showed when, to this JSON file. */
    trace: { type: 'string' },
    /** Another build of idprofiles to measure (e.g. the commit before a change, built elsewhere). */
    server: { type: 'string', default: 'dist/cli/index.js' },
  },
});
const N = Number(positionals[0] ?? 100_000);
const INTERVAL_MS = Number(opts.interval);
const CLIENT = { id: 'benchclient', secret: 'bench-secret-123' };

type Headers = Record<string, string>;
/** Why requests got no answer (each reason once). */
const failures = new Set<string>();
interface Sample {
  sentAt: number;
  ms: number;
  status: number;
}
interface TaskView {
  id: string;
  progress: string;
  completed: string | null;
  result?: { processingTaskIds?: string[] };
}
/** What the task-status probe showed, and when (ms since the upload started). */
interface Seen {
  at: number;
  state: string;
}

async function api(url: string, h: Headers, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? h : { ...h, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** One probe: a GET every interval whether or not the previous one answered. */
function probe(url: string, h: Headers, path: () => string | undefined, onBody?: (body: any, at: number) => void) {
  const samples: Sample[] = [];
  const pending = new Set<Promise<void>>();
  const fire = () => {
    const p = path();
    if (!p) return;
    const sentAt = performance.now();
    const request = fetch(`${url}${p}`, { headers: h })
      .then(async (res) => {
        const text = await res.text();
        const done = performance.now();
        samples.push({ sentAt, ms: done - sentAt, status: res.status });
        if (res.ok && onBody) onBody(JSON.parse(text), done);
      })
      .catch((e) => {
        samples.push({ sentAt, ms: performance.now() - sentAt, status: 0 });
        failures.add(String((e as Error)?.cause ?? e));
      })
      .finally(() => pending.delete(request));
    pending.add(request);
  };
  const timer = setInterval(fire, INTERVAL_MS);
  fire();
  return {
    samples,
    async stop() {
      clearInterval(timer);
      await Promise.allSettled([...pending]);
    },
  };
}

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN;

function summarize(label: string, samples: Sample[]) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const bad = new Map<number, number>();
  for (const s of samples) if (s.status < 200 || s.status >= 300) bad.set(s.status, (bad.get(s.status) ?? 0) + 1);
  const statuses = [...bad].map(([status, n]) => `${n} × ${status || 'no answer'}`).join(', ') || '0';
  return `| ${label} | ${samples.length} | ${quantile(ms, 0.5).toFixed(1)} | ${quantile(ms, 0.99).toFixed(1)} | ${(ms.at(-1) ?? NaN).toFixed(0)} | ${statuses} |`;
}

/** The longest stretch with no visible change of the task status, between the first sight and the run's completion. */
function longestGap(seen: Seen[]) {
  let longest = { ms: 0, from: '', to: '' };
  let last = seen[0];
  for (const s of seen.slice(1)) {
    if (s.state === last.state) continue;
    if (s.at - last.at > longest.ms) longest = { ms: s.at - last.at, from: last.state, to: s.state };
    last = s;
  }
  return longest;
}

/** RSS sampled every 200 ms, kept per phase. */
function rssSampler(server: RunningServer) {
  const peak: Record<string, number> = {};
  let phase = 'idle';
  const timer = setInterval(() => {
    try {
      peak[phase] = Math.max(peak[phase] ?? 0, server.rssMb());
    } catch {
      /* exited */
    }
  }, 200);
  return {
    peak,
    setPhase: (p: string) => {
      phase = p;
    },
    stop: () => clearInterval(timer),
  };
}

async function main() {
  const before = loadavg();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-pglite-resp-'));
  const workDir = mkdtempSync(join(tmpdir(), 'bench-pglite-csv-'));
  const server = await startServer(
    {
      IDPROFILES_DATA_DIR: dataDir,
      IDPROFILES_CLIENT_ID: CLIENT.id,
      IDPROFILES_CLIENT_SECRET: CLIENT.secret,
      IDPROFILES_TOKEN_TTL: '86400',
    },
    'serve',
    { script: opts.server, stdout: 'ignore' },
  );
  const rss = rssSampler(server);
  try {
    const h = await tokenFor(server.url, CLIENT.id, CLIENT.secret);
    const csv = join(workDir, 'hr.csv');
    await writeHrCsv(csv, N);
    const source = await api(server.url, h, 'POST', '/v3/sources', HR_SOURCE);
    const profile = await api(server.url, h, 'POST', '/v3/identity-profiles', hrProfile(source.id));
    await new Promise((r) => setTimeout(r, 1000));
    const idleRss = server.rssMb();

    const t0 = performance.now();
    const cpu0 = cpuUs(server.child.pid!);
    const seen: Seen[] = [{ at: 0, state: 'no task yet' }];
    let taskId: string | undefined;
    let loadId: string | undefined;
    let runId: string | undefined;
    let finished: (() => void) | undefined;
    const allDone = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const phaseAt: Record<string, number> = {};
    const onTask = (task: TaskView, at: number) => {
      if (task.id !== taskId) return; // an answer about the load arriving after the run took over
      seen.push({
        at: at - t0,
        state: `${task.id === runId ? 'run' : 'load'} ${task.completed ? 'completed' : task.progress}`,
      });
      if (task.id === loadId && task.completed) {
        phaseAt.loadDone ??= at - t0;
        rss.setPhase('processing');
        runId = task.result?.processingTaskIds?.[0];
        taskId = runId;
        if (!runId) finished?.();
      } else if (task.id === runId && task.completed) {
        phaseAt.runDone ??= at - t0;
        finished?.();
      }
    };
    // while the upload is being read the client has no task id yet: the newest task is the load
    const loads = `/v3/task-status?limit=1&filters=${encodeURIComponent('type eq "CLOUD_ACCOUNT_AGGREGATION"')}`;
    const findLoad = probe(
      server.url,
      h,
      () => (taskId ? undefined : loads),
      (tasks: TaskView[]) => {
        if (!taskId && tasks[0]) taskId = loadId = tasks[0].id;
      },
    );
    const probes = {
      health: probe(server.url, {}, () => '/health'),
      profile: probe(server.url, h, () => `/v3/identity-profiles/${profile.id}`),
      task: probe(server.url, h, () => (taskId ? `/v3/task-status/${taskId}` : undefined), onTask),
    };
    rss.setPhase('load');
    const form = new FormData();
    form.append('file', await openAsBlob(csv), 'hr.csv');
    const upload = await fetch(`${server.url}/v3/sources/${source.id}/load-accounts`, {
      method: 'POST',
      headers: h,
      body: form,
    });
    if (!upload.ok) throw new Error(`upload: ${upload.status} ${await upload.text()}`);
    phaseAt.uploaded = performance.now() - t0;
    loadId ??= ((await upload.json()) as { task: { id: string } }).task.id;
    taskId ??= loadId;
    await allDone;
    const totalMs = performance.now() - t0;
    const cpuSeconds = (cpuUs(server.child.pid!) - cpu0) / 1e6;
    await Promise.all([findLoad.stop(), ...Object.values(probes).map((p) => p.stop())]);
    rss.setPhase('after');
    await new Promise((r) => setTimeout(r, 1000));
    const run = runId ? await api(server.url, h, 'GET', `/v3/task-status/${runId}`) : undefined;
    const load = await api(server.url, h, 'GET', `/v3/task-status/${loadId}`);
    const gap = longestGap(seen);
    const changes = seen.filter((s, i) => i === 0 || s.state !== seen[i - 1].state).length;
    const s = (ms: number | undefined) => (ms === undefined ? '–' : (ms / 1000).toFixed(1));
    const out = [
      `# bench/pglite-responsiveness — ${new Date().toISOString()}`,
      `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()}); server: ${opts.server}; ${N.toLocaleString('en-US')} accounts; a probe of each kind every ${INTERVAL_MS} ms (open loop)`,
      `load average before: ${before.map((x) => x.toFixed(2)).join(' ')}; after: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
      '',
      '| probe | answers | p50 ms | p99 ms | max ms | non-2xx |',
      '| --- | --- | --- | --- | --- | --- |',
      summarize('GET /health', probes.health.samples),
      summarize('GET /v3/identity-profiles/{id}', probes.profile.samples),
      summarize('GET /v3/task-status/{id}', probes.task.samples),
      '',
      'By phase (p50 / p99 ms; a probe counts in the phase it was sent in):',
      '',
      '| probe | upload | load applied | processing |',
      '| --- | --- | --- | --- |',
      ...Object.entries({ '/health': probes.health, 'GET profile': probes.profile, 'task status': probes.task }).map(
        ([label, p]) => {
          const inPhase = (from: number, to: number) => {
            const ms = p.samples
              .filter((x) => x.sentAt - t0 >= from && x.sentAt - t0 < to)
              .map((x) => x.ms)
              .sort((a, b) => a - b);
            return ms.length ? `${quantile(ms, 0.5).toFixed(0)} / ${quantile(ms, 0.99).toFixed(0)}` : '–';
          };
          const ends = [0, phaseAt.uploaded ?? 0, phaseAt.loadDone ?? totalMs, phaseAt.runDone ?? totalMs];
          return `| ${label} | ${inPhase(ends[0], ends[1])} | ${inPhase(ends[1], ends[2])} | ${inPhase(ends[2], ends[3])} |`;
        },
      ),
      '',
      ...(failures.size ? [`requests without an answer: ${[...failures].join('; ')}`] : []),
      `task status: ${changes} visible changes; longest without one ${s(gap.ms)} s ("${gap.from}" → "${gap.to}")`,
      `phases (client's clock from the upload's start): upload answered ${s(phaseAt.uploaded)} s, load completed ${s(phaseAt.loadDone)} s, processing completed ${s(phaseAt.runDone)} s; total ${s(totalMs)} s`,
      `load: ${load.completionStatus} ${JSON.stringify(pick(load.result, ['added', 'identitiesCreated']))}; run: ${run?.completionStatus ?? '–'} ${JSON.stringify(pick(run?.result, ['processed', 'changed', 'failed', 'managersChanged']))}`,
      `server's clock: load ${serverSpan(load.launched, load.completed)}, run ${run ? serverSpan(load.completed, run.completed) : '–'} after the load's commit`,
      `server CPU during the run: ${cpuSeconds.toFixed(1)} s`,
      `server RSS: idle ${idleRss.toFixed(0)} MB; highest sampled during the load ${rss.peak.load?.toFixed(0)} MB, during processing ${rss.peak.processing?.toFixed(0)} MB, after ${rss.peak.after?.toFixed(0)} MB; peak (VmHWM) ${server.peakRssMb().toFixed(0)} MB`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    if (opts.trace)
      writeFileSync(
        opts.trace,
        JSON.stringify({
          seen,
          probes: Object.fromEntries(
            Object.entries(probes).map(([k, p]) => [k, p.samples.map((x) => ({ ...x, sentAt: x.sentAt - t0 }))]),
          ),
        }),
      );
  } finally {
    rss.stop();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  }
}

const serverSpan = (from: string, to: string) => `${((Date.parse(to) - Date.parse(from)) / 1000).toFixed(1)} s`;
const pick = (o: Record<string, unknown> | undefined, keys: string[]) =>
  Object.fromEntries(keys.map((k) => [k, o?.[k]]));

await main();
