// Writes samples/hr.csv, the sample HR population `idprofiles demo` loads (see src/cli/sample-hr.ts).
import { writeFileSync } from 'node:fs';
import { generateHrCsv } from '../src/cli/sample-hr.js';

writeFileSync(new URL('../samples/hr.csv', import.meta.url), generateHrCsv());
