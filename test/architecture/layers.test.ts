import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The dependency rules of DEVELOP.md, checked on every import in src/ (type-only imports too: a
 * type is a dependency of the code that names it):
 * http → domain → (query, expr); db implements domain; query/ and expr/ are pure leaves;
 * nothing imports http/ except app.ts; domain never imports db/ or http/, and neither do http/ and
 * app.ts (they reach storage through the services, and see database errors translated: db/boundary.ts); metrics.ts only from http/, jobs/ and the
 * wiring (services, app, cli); cli/ is imported by nobody outside it; runtime code never imports a
 * migration (db/database.ts runs them, through migrations/index.ts). And no runtime import cycle.
 */
const SRC = resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const local = (file: string, specs: string[]) =>
  specs.filter((s) => s.startsWith('.')).map((s) => relative(SRC, resolve(dirname(file), s)).replace(/\.js$/, ''));

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return local(
    file,
    [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
      (m) => m[1] ?? m[2],
    ),
  );
}

/** The imports that load a module when this one loads (not `import type`, not `import()`). */
function runtimeImportsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return local(
    file,
    [...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]),
  );
}

/** The strongly connected groups of more than one module (Tarjan): each is an import cycle. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1) found.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const layerOf = (path: string) => path.split('/')[0].replace(/\.ts$/, '');

/** For each layer, the layers it must not import. */
const FORBIDDEN: Record<string, string[]> = {
  query: ['http', 'domain', 'db', 'expr', 'jobs', 'cli', 'app', 'services', 'main', 'config', 'errors', 'metrics'],
  expr: ['http', 'domain', 'db', 'query', 'jobs', 'cli', 'app', 'services', 'main', 'config', 'errors', 'metrics'],
  // metrics are recorded at the edges (http/, jobs/), never by the rules or the storage
  domain: ['http', 'db', 'jobs', 'cli', 'app', 'services', 'main', 'metrics'],
  db: ['http', 'jobs', 'cli', 'app', 'services', 'main', 'metrics'],
  jobs: ['http', 'cli', 'app', 'main'],
  http: ['db', 'cli', 'main', 'services'],
  app: ['db', 'cli', 'main'],
  services: ['cli', 'main'],
  config: ['cli', 'main'],
  errors: ['cli', 'main'],
  logger: ['cli', 'main'],
  metrics: ['cli', 'main'],
};

describe('layering', () => {
  const files = sourceFiles(SRC);
  it('finds the source files', () => expect(files.length).toBeGreaterThan(20));

  it('imports only along the allowed direction', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = relative(SRC, file);
      const forbidden = FORBIDDEN[layerOf(from)] ?? [];
      for (const target of importsOf(file)) {
        if (forbidden.includes(layerOf(target))) violations.push(`${from} → ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('has no runtime import cycle', () => {
    const graph = new Map(files.map((f) => [relative(SRC, f).replace(/\.ts$/, ''), runtimeImportsOf(f)]));
    expect(cycles(graph)).toEqual([]);
  });

  it('imports no migration from runtime code (only the runner, db/database.ts, loads them, through their index)', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = relative(SRC, file);
      if (from.startsWith('db/migrations/')) continue;
      for (const target of importsOf(file)) {
        if (target.startsWith('db/migrations/') && !(from === 'db/database.ts' && target === 'db/migrations/index'))
          violations.push(`${from} → ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps source files under 400 lines', () => {
    const big = files
      .map((f) => [relative(SRC, f), readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 400);
    expect(big).toEqual([]);
  });
});
