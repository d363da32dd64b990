/**
 * Compiles a transform definition into a tree of closures (`Evaluator`s), once.
 *
 * Invariants:
 * - every node is validated when compiled; errors carry the JSON path of the bad node;
 * - nesting depth (counted through references) ≤ limits.maxDepth, so evaluation recursion is bounded;
 * - `reference` targets are compiled once per compilation (memoised by name) and cycles are
 *   rejected; paths inside a referenced transform read `site{Name}.inner.path`;
 * - every compiled node counts one evaluation step per call (limits.maxSteps).
 */
import { isPlainObject, isTransformDef } from './attrs.js';
import { compileFail, EvalFailure, joinPath, TransformCompileError } from './errors.js';
import { createBudget, type CompileBudget } from './budget.js';
import type { Limits } from './limits.js';
import { OPERATIONS } from './ops/registry.js';
import { charge, CHARS_PER_STEP, stepsExceeded, type Evaluator } from './runtime.js';
import type { NamedTransform } from './types.js';

/** One transform node being compiled. */
export interface NodeInfo {
  readonly type: string;
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Path of the node itself ('' for the root). */
  readonly path: string;
  readonly depth: number;
}

/** Compiles one operation's node. */
export type OpCompiler = (node: NodeInfo, c: Compiler) => Evaluator;

/** What operation compilers may ask of the compilation. */
export interface Compiler {
  readonly limits: Limits;
  /** Spends from the whole-definition budget; throws TransformBudgetError when it runs out. */
  spend: CompileBudget['spend'];
  /** Compiles a nested transform found at `path` inside a node at `parentDepth`. */
  child(def: unknown, path: string, parentDepth: number): Evaluator;
  /** Compiles the stored transform `name` referenced from `path` (a node at `depth`). */
  reference(name: string, path: string, depth: number): Evaluator;
}

export type TransformLookup = (name: string) => NamedTransform | undefined;

interface RefEntry {
  evaluator: Evaluator;
  height: number;
}

/** Facts gathered while compiling, exposed on the compiled transform. */
export interface CompileFacts {
  requiresPeriodicRefresh: boolean;
  references: Set<string>;
}

/** State of one compilation. */
interface Session {
  readonly limits: Limits;
  readonly lookup: TransformLookup | undefined;
  readonly facts: CompileFacts;
  readonly memo: Map<string, RefEntry>;
  /** Names of the referenced transforms being compiled (for cycle detection). */
  readonly chain: string[];
  readonly budget: CompileBudget;
  deepest: number;
  compiler: Compiler;
}

/**
 * Compiles `definition` (the root node) with the given lookup and limits, spending from `budget`
 * (a fresh one for this definition unless several compilations share one).
 */
export function compileDefinition(
  definition: unknown,
  lookup: TransformLookup | undefined,
  limits: Limits,
  budget: CompileBudget = createBudget({ limits }),
): { evaluator: Evaluator; facts: CompileFacts } {
  const facts: CompileFacts = { requiresPeriodicRefresh: false, references: new Set() };
  const s: Session = {
    limits,
    lookup,
    facts,
    memo: new Map(),
    chain: [],
    budget,
    deepest: 0,
    compiler: undefined as never,
  };
  s.compiler = {
    limits,
    spend: budget.spend,
    child: (def, path, parentDepth) => compileNode(s, def, path, parentDepth + 1),
    reference: (name, path, depth) => compileReference(s, name, path, depth),
  };
  return { evaluator: compileNode(s, definition, '', 0), facts };
}

function compileNode(s: Session, def: unknown, path: string, depth: number): Evaluator {
  const { limits } = s;
  if (!isTransformDef(def)) compileFail('expected a transform: an object with a string "type"', path);
  if (depth > limits.maxDepth) compileFail(`transforms nested deeper than ${limits.maxDepth} levels`, path);
  s.budget.spend('nodes', 1, path);
  s.deepest = Math.max(s.deepest, depth);
  const op = Object.hasOwn(OPERATIONS, def.type) ? OPERATIONS[def.type] : undefined;
  if (!op) compileFail(`unknown transform type "${def.type}"`, joinPath(path, 'type'));
  const raw = def.attributes;
  if (raw !== undefined && raw !== null && !isPlainObject(raw)) {
    compileFail('"attributes" must be an object', joinPath(path, 'attributes'));
  }
  const attrs = (raw ?? {}) as Record<string, unknown>;
  // Decision (doc §14.29): the flag is honoured at the top level and inside attributes.
  if (isTrue((def as Record<string, unknown>).requiresPeriodicRefresh) || isTrue(attrs.requiresPeriodicRefresh)) {
    s.facts.requiresPeriodicRefresh = true;
  }
  return stepped(op({ type: def.type, attrs, path, depth }, s.compiler), path);
}

function compileReference(s: Session, name: string, path: string, depth: number): Evaluator {
  const { limits, chain } = s;
  s.facts.references.add(name);
  let entry = s.memo.get(name);
  if (!entry) {
    if (chain.includes(name)) compileFail(`reference cycle: ${[...chain, name].join(' → ')}`, path);
    if (depth + chain.length >= limits.maxDepth)
      compileFail(`references nested deeper than ${limits.maxDepth} levels`, path);
    entry = compileTarget(s, name, path);
    s.memo.set(name, entry);
  }
  if (depth + 1 + entry.height > limits.maxDepth) {
    compileFail(`transforms nested deeper than ${limits.maxDepth} levels (through references)`, path);
  }
  s.deepest = Math.max(s.deepest, depth + 1 + entry.height);
  return prefixErrors(entry.evaluator, `${path}{${name}}`);
}

/** Compiles a stored transform once; its height (nesting below its root) is remembered. */
function compileTarget(s: Session, name: string, sitePath: string): RefEntry {
  const def = s.lookup?.(name);
  if (!def) compileFail(`reference to unknown transform "${name}"`, sitePath);
  s.chain.push(name);
  const saved = s.deepest;
  s.deepest = 0;
  try {
    const evaluator = compileNode(s, def, '', 0);
    return { evaluator, height: s.deepest };
  } catch (e) {
    // same class (a budget error stays one), the path now read from the reference site
    if (e instanceof TransformCompileError)
      throw new (e.constructor as typeof TransformCompileError)(e.reason, refPath(sitePath, name, e.path));
    throw e;
  } finally {
    s.chain.pop();
    s.deepest = saved;
  }
}

function isTrue(raw: unknown): boolean {
  return raw === true || (typeof raw === 'string' && raw.toLowerCase() === 'true');
}

/** `site{Name}.inner` (no dot before a nested `{Other}`). */
function refPath(sitePath: string, name: string, inner: string): string {
  return !inner
    ? `${sitePath}{${name}}`
    : inner.startsWith('{')
      ? `${sitePath}{${name}}${inner}`
      : `${sitePath}{${name}}.${inner}`;
}

/** Counts a step per call of the node, and the text it produced (long values cost more than one step to make). */
function stepped(ev: Evaluator, path: string): Evaluator {
  return (input, run) => {
    if (++run.steps > run.maxSteps) stepsExceeded(run, path);
    const out = ev(input, run);
    if (typeof out === 'string' && out.length >= CHARS_PER_STEP)
      charge(run, Math.floor(out.length / CHARS_PER_STEP), path);
    return out;
  };
}

/** Prefixes the path of failures raised inside a referenced transform with the reference site. */
function prefixErrors(ev: Evaluator, prefix: string): Evaluator {
  return (input, run) => {
    try {
      return ev(input, run);
    } catch (e) {
      if (e instanceof EvalFailure)
        e.path = !e.path ? prefix : e.path.startsWith('{') ? prefix + e.path : `${prefix}.${e.path}`;
      throw e;
    }
  };
}
