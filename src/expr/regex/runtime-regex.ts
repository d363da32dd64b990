import { charge, runCached, type Run } from '../runtime.js';
import { cachedRegex, compileCost, type JavaRegex } from './java-regex.js';

/**
 * A pattern met at run time (a dynamic attribute, a template's `replaceAll`/`matches`/`split`):
 * compiled through the process-wide cache, and paid for from the evaluation's steps once per
 * evaluation whether the cache had it or not — so what an evaluation may do never depends on
 * what ran before it. Throws RegexError.
 */
export function runtimeRegex(source: string, run: Run, path: string): JavaRegex {
  const rx = cachedRegex(source, run.limits.maxRegexLength);
  runCached(run, `regex:${source}`, () => charge(run, compileCost(rx), path));
  return rx;
}
