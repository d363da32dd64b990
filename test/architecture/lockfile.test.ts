import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The lock installs everywhere and as it is (issue 19): `npm ci` refuses a lock that lacks an
 * optional dependency of a package it holds — Rollup's and esbuild's builds for other platforms —
 * and `npm install` adds them, leaving package-lock.json modified. And every dependency with an
 * install script is decided in package.json's `allowScripts` (npm 11 warns about the others).
 * .ci/run checks the same on a real install; this is the check that needs no network.
 */
interface LockEntry {
  optionalDependencies?: Record<string, string>;
  hasInstallScript?: boolean;
}
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockEntry> };
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { allowScripts?: Record<string, boolean> };

/** Where Node (and npm) find `name` from the package at `from`: its own node_modules, then each parent's. */
function resolve(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
  }
}

describe('package-lock.json', () => {
  it("holds every optional dependency of every package it holds (every platform's build)", () => {
    const missing = Object.entries(lock.packages).flatMap(([path, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((name) => !resolve(path, name))
        .map((name) => `${path || '(root)'} → ${name}`),
    );
    expect(missing).toEqual([]);
    expect(resolve('node_modules/rollup', '@rollup/rollup-darwin-arm64')).toBe(
      'node_modules/@rollup/rollup-darwin-arm64',
    );
  });

  it('has each dependency with an install script approved or denied in allowScripts', () => {
    const names = Object.entries(lock.packages)
      .filter(([, e]) => e.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(names.filter((name) => !(name in (pkg.allowScripts ?? {})))).toEqual([]);
  });
});
