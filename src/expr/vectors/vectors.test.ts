import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseVectors, runVector } from './harness.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const vectorDir = resolve(repoRoot, '../shared/testdata/transforms');
const present = existsSync(vectorDir);
const files = present
  ? readdirSync(vectorDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];

(present ? describe : describe.skip)(
  `shared transform vectors (${present ? vectorDir : 'folder ../shared/testdata/transforms not found: skipped'})`,
  () => {
    for (const file of files) {
      describe(file, () => {
        const vectors = parseVectors(JSON.parse(readFileSync(join(vectorDir, file), 'utf8')));
        for (const v of vectors) {
          it(v.name, () => {
            const outcome = runVector(v);
            expect(outcome.actual, `expected ${outcome.expected}`).toSatisfy(() => outcome.pass);
          });
        }
      });
    }

    it('has all 168 shared vectors', () => {
      const total = files.reduce(
        (n, f) => n + parseVectors(JSON.parse(readFileSync(join(vectorDir, f), 'utf8'))).length,
        0,
      );
      expect(total).toBeGreaterThanOrEqual(168);
    });
  },
);
