import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The dependency rules of DEVELOP.md, checked on every import in src/:
 * http → domain → (query, expr); db implements domain; query/ and expr/ are pure leaves;
 * nothing imports http/ except app.ts; domain never imports db/ or http/, nor http/ db/ (it sees
 * database errors translated: db/boundary.ts); metrics.ts only from http/, jobs/ and the wiring
 * (services, app, main, cli).
 */
const SRC = resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
  return specs.filter((s) => s.startsWith('.')).map((s) => relative(SRC, resolve(dirname(file), s)).replace(/\.js$/, ''));
}

const layerOf = (path: string) => path.split('/')[0];

/** For each layer, the layers it must not import. */
const FORBIDDEN: Record<string, string[]> = {
  query: ['http', 'domain', 'db', 'expr', 'jobs', 'cli', 'app', 'services', 'main', 'config', 'errors', 'metrics'],
  expr: ['http', 'domain', 'db', 'query', 'jobs', 'cli', 'app', 'services', 'main', 'config', 'errors', 'metrics'],
  // metrics are recorded at the edges (http/, jobs/), never by the rules or the storage
  domain: ['http', 'db', 'jobs', 'cli', 'app', 'services', 'main', 'metrics'],
  db: ['http', 'jobs', 'cli', 'app', 'services', 'main', 'metrics'],
  jobs: ['http', 'cli', 'app', 'main'],
  http: ['db', 'cli', 'main', 'services'],
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

  it('keeps source files under 400 lines', () => {
    const big = files.map((f) => [relative(SRC, f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > 400);
    expect(big).toEqual([]);
  });
});
