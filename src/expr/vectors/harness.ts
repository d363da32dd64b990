/**
 * Runs transform test vectors in the format of shared/testdata/transforms (doc §13), for the
 * engine's tests and the `idprofiles transforms test` command. Pure: callers read the files.
 *
 * A vector's `account` is "the identity's only account, answering every accountAttribute
 * whatever source it names": the harness builds one copy of it per source the transform
 * (and the stored transforms it may reference) names.
 */
import { compileTransform, TransformCompileError, valueToText } from '../index.js';
import type { Account, EvaluationContext, IdentityAttributes, NamedTransform } from '../types.js';

export interface TransformVector {
  name: string;
  transform: unknown;
  input?: unknown;
  account?: Record<string, unknown>;
  accounts?: Account[];
  identity?: IdentityAttributes;
  manager?: IdentityAttributes | null;
  identities?: IdentityAttributes[];
  transforms?: (NamedTransform & { name: string })[];
  now?: string;
  expected?: string | null;
  error?: boolean;
  expectedPattern?: string;
  takenValues?: string[];
  fieldAttributes?: Record<string, string | number>;
  uncertain?: boolean;
  uncertainReason?: string;
}

export interface VectorOutcome {
  name: string;
  pass: boolean;
  /** What the vector expects, as text (`error`, `/pattern/`, `null` or the value). */
  expected: string;
  /** What the engine produced, as text. */
  actual: string;
}

/** Checks that `json` is a list of vectors (objects with a name and a transform). */
export function parseVectors(json: unknown): TransformVector[] {
  if (!Array.isArray(json)) throw new Error('a vector file must hold a JSON array');
  return json.map((v, i) => {
    if (typeof v !== 'object' || v === null || typeof (v as TransformVector).name !== 'string' || !('transform' in v)) {
      throw new Error(`vector ${i} needs a "name" and a "transform"`);
    }
    return v as TransformVector;
  });
}

/** The evaluation context a vector describes. */
export function vectorContext(v: TransformVector): EvaluationContext {
  return {
    input: v.input ?? null,
    accounts: v.accounts ?? (v.account ? accountsFor(v) : []),
    identity: v.identity ?? {},
    manager: v.manager ?? null,
    identities: v.identities ?? [],
    now: v.now ? new Date(v.now) : undefined,
    provisioning: { takenValues: v.takenValues ?? [], fieldAttributes: v.fieldAttributes },
  };
}

function accountsFor(v: TransformVector): Account[] {
  const refs = new Map<string, Account>();
  const roots = [v.transform, ...(v.transforms ?? [])];
  for (const root of roots)
    collectSources(root, 0, (src) =>
      refs.set(JSON.stringify(src), { ...src, created: '2020-01-01T00:00:00.000Z', attributes: v.account ?? {} }),
    );
  return [...refs.values()];
}

function collectSources(
  node: unknown,
  depth: number,
  add: (src: Pick<Account, 'sourceName' | 'sourceId' | 'applicationName'>) => void,
): void {
  if (depth > 200 || typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) return node.forEach((n) => collectSources(n, depth + 1, add));
  const obj = node as Record<string, unknown>;
  const attrs = obj.attributes as Record<string, unknown> | undefined;
  if (obj.type === 'accountAttribute' && attrs && typeof attrs === 'object') {
    const str = (k: string) => (typeof attrs[k] === 'string' ? (attrs[k] as string) : undefined);
    add({
      sourceName: str('sourceName'),
      sourceId: str('sourceId') ?? str('applicationId'),
      applicationName: str('applicationName'),
    });
  }
  for (const value of Object.values(obj)) collectSources(value, depth + 1, add);
}

function expectation(v: TransformVector): string {
  if (v.error) return 'error';
  if (v.expectedPattern !== undefined) return `/${v.expectedPattern}/`;
  return v.expected === null || v.expected === undefined ? 'null' : JSON.stringify(v.expected);
}

/** Evaluates one vector and compares the outcome with its expectation. */
export function runVector(v: TransformVector): VectorOutcome {
  const expected = expectation(v);
  const stored = new Map((v.transforms ?? []).map((t) => [t.name, t]));
  let result;
  try {
    result = compileTransform(v.transform, { transforms: (name) => stored.get(name) }).evaluate(vectorContext(v));
  } catch (e) {
    if (!(e instanceof TransformCompileError)) throw e;
    return {
      name: v.name,
      pass: v.error === true,
      expected,
      actual: `compile error at ${e.path || '(root)'}: ${e.reason}`,
    };
  }
  if (!result.ok)
    return {
      name: v.name,
      pass: v.error === true,
      expected,
      actual: `error at ${result.path || '(root)'}: ${result.error}`,
    };
  const text = valueToText(result.value);
  const actual = text === null ? 'null' : JSON.stringify(text);
  if (v.error) return { name: v.name, pass: false, expected, actual };
  if (v.expectedPattern !== undefined)
    return { name: v.name, pass: text !== null && new RegExp(v.expectedPattern).test(text), expected, actual };
  return { name: v.name, pass: text === (v.expected ?? null), expected, actual };
}
