/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the top self-time entries, and self time
 * grouped by package / our source folder.
 *
 *   npx tsx bench/cpu-top.ts FILE.cpuprofile [top=25]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
const profile = JSON.parse(readFileSync(process.argv[2], 'utf8')) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
};
const top = Number(process.argv[3] ?? 25);

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

const shortUrl = (url: string) =>
  url
    .replace(/^file:\/\/.*?\/node_modules\//, '')
    .replace(/^file:\/\/.*?\/dist\//, 'dist/')
    .replace(/^node:/, 'node:');
const group = (url: string) => {
  if (!url) return '(native / V8)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const d = /\/dist\/(.*?)\/[^/]+$/.exec(url);
  if (d) return `dist/${d[1]}`;
  return url.startsWith('node:') ? 'node: (core)' : url;
};

const entries = new Map<string, number>();
const groups = new Map<string, number>();
for (const [id, t] of self) {
  const n = byId.get(id)!;
  const { functionName, url, lineNumber } = n.callFrame;
  const key = `${functionName || '(anonymous)'} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ''}`.trim();
  entries.set(key, (entries.get(key) ?? 0) + t);
  const g = ['(idle)', '(program)', '(garbage collector)'].includes(functionName) ? functionName : group(url);
  groups.set(g, (groups.get(g) ?? 0) + t);
}
const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)} %`;
const busy = total - (groups.get('(idle)') ?? 0);
console.log(`total ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s not idle`);
console.log(`\ntop ${top} self time:`);
for (const [k, t] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${k}`);
console.log('\nby package / folder:');
for (const [k, t] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${pct(t)}  ${k}`);
