/**
 * Transform engine benchmark: identities per second for a realistic 10-mapping identity
 * profile (accountAttribute, lower, concat, lookup, dateFormat, substring, firstValid, static,
 * upper, e164phone), compiled once and evaluated against in-memory accounts on one core.
 *
 *   npx tsx bench/transforms.ts [identities=10000] [rounds=7]
 *
 * `--hostile [--engine=OTHER/src/expr/index.ts] [--only=TEXT]`: instead, the time (CPU ms: compile, evaluate)
 * and memory of definitions built to be as costly as the engine's limits allow — the issue-13
 * `replaceAll` with thousands of regex keys first — on this engine or another tree's (A/B).
 */
import { compileTransform, type Account, type EvaluationContext } from '../src/expr/index.js';
import { runHostile } from './lib/hostile-transforms.js';

if (process.argv.includes('--hostile')) {
  const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  await runHostile(option('engine') ?? '../../src/expr/index.js', option('only'));
  process.exit(0);
}

const HR = { sourceName: 'Workday', sourceId: '2c9180835d191a86015d28455b4b232a' };
const AD = { sourceName: 'Active Directory', sourceId: '2c9180835d191a86015d28455b4b2aaa' };
const aa = (src: typeof HR, attributeName: string) => ({
  type: 'accountAttribute',
  attributes: { ...src, attributeName },
});
const DEPARTMENTS = ['ENG', 'SAL', 'MKT', 'FIN', 'HRM', 'OPS', 'LEG', 'SUP', 'RND', 'ITS'];

const PROFILE: Record<string, unknown> = {
  uid: aa(HR, 'employeeId'),
  email: { type: 'lower', attributes: { input: aa(HR, 'email') } },
  displayName: { type: 'concat', attributes: { values: [aa(HR, 'firstName'), ' ', aa(HR, 'lastName')] } },
  department: {
    type: 'lookup',
    attributes: {
      input: aa(HR, 'deptCode'),
      table: { ...Object.fromEntries(DEPARTMENTS.map((d) => [d, `${d} Department`])), default: 'Unknown' },
    },
  },
  hireDate: {
    type: 'dateFormat',
    attributes: { input: aa(HR, 'hireDate'), inputFormat: 'MM/dd/yyyy', outputFormat: 'ISO8601' },
  },
  costCenter: { type: 'substring', attributes: { input: aa(HR, 'costCenter'), begin: 0, end: 4 } },
  login: {
    type: 'firstValid',
    attributes: {
      values: [aa(AD, 'sAMAccountName'), aa(HR, 'login'), { type: 'static', attributes: { value: 'none' } }],
    },
  },
  lifecycle: {
    type: 'static',
    attributes: { status: aa(HR, 'status'), value: "#if($status == 'A')active#{else}inactive#end" },
  },
  location: { type: 'upper', attributes: { input: aa(HR, 'location') } },
  phone: { type: 'e164phone', attributes: { input: aa(HR, 'workPhone') } },
};

function identity(i: number): EvaluationContext {
  const hr: Account = {
    ...HR,
    nativeIdentity: `E${100000 + i}`,
    created: '2019-01-01T00:00:00.000Z',
    attributes: {
      employeeId: `E${100000 + i}`,
      email: `First${i}.Last${i}@Example.COM`,
      firstName: `First${i}`,
      lastName: `Last${i}`,
      deptCode: DEPARTMENTS[i % 11] ?? 'XXX',
      hireDate: `${String((i % 12) + 1).padStart(2, '0')}/${String((i % 28) + 1).padStart(2, '0')}/${2000 + (i % 24)}`,
      costCenter: `CC${String(i % 9000).padStart(4, '0')}-${i % 7}`,
      login: `first${i}`,
      status: i % 10 === 0 ? 'T' : 'A',
      location: ['austin', 'london', 'paris', 'sydney'][i % 4],
      workPhone: `(512) ${String(200 + (i % 700)).padStart(3, '0')}-${String(i % 10000).padStart(4, '0')}`,
      title: 'Engineer',
      manager: `E${100000 + (i % 100)}`,
    },
  };
  const ad: Account = {
    ...AD,
    nativeIdentity: `CN=User ${i}`,
    created: '2019-02-01T00:00:00.000Z',
    attributes: {
      sAMAccountName: i % 3 === 0 ? null : `user${i}`,
      mail: `user${i}@example.com`,
      memberOf: ['All Users', 'VPN'],
    },
  };
  return { accounts: [hr, ad], identity: { uid: `E${100000 + i}` }, now: new Date('2024-05-10T00:00:00.000Z') };
}

const numbers = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const n = Number(numbers[0] ?? 10_000);
const rounds = Number(numbers[1] ?? 7);
const mappings = Object.entries(PROFILE).map(([name, def]) => [name, compileTransform(def)] as const);
const identities = Array.from({ length: n }, (_, i) => identity(i));

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** CPU milliseconds of the last round: on a shared machine, steadier than its wall time. */
let lastCpuMs = 0;

function round(): number {
  let errors = 0;
  const start = performance.now();
  const cpuStart = cpuMs();
  for (const ctx of identities) {
    for (const [, m] of mappings) if (!m.evaluate(ctx).ok) errors++;
  }
  if (errors > 0) throw new Error(`${errors} evaluation errors`);
  lastCpuMs = cpuMs() - cpuStart;
  return performance.now() - start;
}

const sample = identities[1];
console.log('sample identity:', Object.fromEntries(mappings.map(([name, m]) => [name, m.evaluate(sample)])));
for (let i = 0; i < 2; i++) round();
const cpuRates: number[] = [];
const rates = Array.from({ length: rounds }, () => {
  const rate = (n / round()) * 1000;
  cpuRates.push((n / lastCpuMs) * 1000);
  return rate;
}).sort((a, b) => a - b);
cpuRates.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)];
console.log(
  `node ${process.version}, ${n} identities × ${mappings.length} mappings, ${rounds} rounds after 2 warm-up rounds`,
);
console.log(
  `identities/second: median ${Math.round(median).toLocaleString('en-US')}, best ${Math.round(rates[rates.length - 1]).toLocaleString('en-US')}, worst ${Math.round(rates[0]).toLocaleString('en-US')}`,
);
console.log(
  `identities per CPU-second: median ${Math.round(cpuRates[Math.floor(cpuRates.length / 2)]).toLocaleString('en-US')}, best ${Math.round(cpuRates[cpuRates.length - 1]).toLocaleString('en-US')}`,
);
