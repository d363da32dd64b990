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
import { compileFail, EvalFailure, failLimit, joinPath, TransformCompileError } from './errors.js';
import type { Limits } from './limits.js';
import { OPERATIONS } from './ops/registry.js';
import type { Evaluator } from './runtime.js';
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

/** Compiles `definition` (the root node) with the given lookup and limits. */
export function compileDefinition(
  definition: unknown,
  lookup: TransformLookup | undefined,
  limits: Limits,
): { evaluator: Evaluator; facts: CompileFacts } {
  const facts: CompileFacts = { requiresPeriodicRefresh: false, references: new Set() };
  const memo = new Map<string, RefEntry>();
  const chain: string[] = [];
  let nodes = 0;
  let deepest = 0;

  const compileNode = (def: unknown, path: string, depth: number): Evaluator => {
    if (!isTransformDef(def)) compileFail('expected a transform: an object with a string "type"', path);
    if (depth > limits.maxDepth) compileFail(`transforms nested deeper than ${limits.maxDepth} levels`, path);
    if (++nodes > limits.maxNodes) compileFail(`definition has more than ${limits.maxNodes} transforms`, path);
    deepest = Math.max(deepest, depth);
    const op = Object.prototype.hasOwnProperty.call(OPERATIONS, def.type) ? OPERATIONS[def.type] : undefined;
    if (!op) compileFail(`unknown transform type "${def.type}"`, joinPath(path, 'type'));
    const raw = def.attributes;
    if (raw !== undefined && raw !== null && !isPlainObject(raw)) {
      compileFail('"attributes" must be an object', joinPath(path, 'attributes'));
    }
    const attrs = (raw ?? {}) as Record<string, unknown>;
    if (isTrue((def as Record<string, unknown>).requiresPeriodicRefresh) || isTrue(attrs.requiresPeriodicRefresh)) {
      facts.requiresPeriodicRefresh = true;
    }
    return stepped(op({ type: def.type, attrs, path, depth }, compiler), path);
  };

  const compileReference = (name: string, path: string, depth: number): Evaluator => {
    facts.references.add(name);
    let entry = memo.get(name);
    if (!entry) {
      if (chain.includes(name)) compileFail(`reference cycle: ${[...chain, name].join(' → ')}`, path);
      if (depth + chain.length >= limits.maxDepth) compileFail(`references nested deeper than ${limits.maxDepth} levels`, path);
      entry = compileTarget(name, path);
      memo.set(name, entry);
    }
    if (depth + 1 + entry.height > limits.maxDepth) {
      compileFail(`transforms nested deeper than ${limits.maxDepth} levels (through references)`, path);
    }
    deepest = Math.max(deepest, depth + 1 + entry.height);
    return prefixErrors(entry.evaluator, `${path}{${name}}`);
  };

  const compileTarget = (name: string, sitePath: string): RefEntry => {
    const def = lookup?.(name);
    if (!def) compileFail(`reference to unknown transform "${name}"`, sitePath);
    chain.push(name);
    const saved = deepest;
    deepest = 0;
    try {
      const evaluator = compileNode(def, '', 0);
      return { evaluator, height: deepest };
    } catch (e) {
      if (e instanceof TransformCompileError) throw new TransformCompileError(e.reason, refPath(sitePath, name, e.path));
      throw e;
    } finally {
      chain.pop();
      deepest = saved;
    }
  };

  const compiler: Compiler = {
    limits,
    child: (def, path, parentDepth) => compileNode(def, path, parentDepth + 1),
    reference: compileReference,
  };
  const evaluator = compileNode(definition, '', 0);
  return { evaluator, facts };
}

function isTrue(raw: unknown): boolean {
  return raw === true || (typeof raw === 'string' && raw.toLowerCase() === 'true');
}

/** `site{Name}.inner` (no dot before a nested `{Other}`). */
function refPath(sitePath: string, name: string, inner: string): string {
  return !inner ? `${sitePath}{${name}}` : inner.startsWith('{') ? `${sitePath}{${name}}${inner}` : `${sitePath}{${name}}.${inner}`;
}

/** Counts a step per call of the node. */
function stepped(ev: Evaluator, path: string): Evaluator {
  return (input, run) => {
    if (++run.steps > run.limits.maxSteps) failLimit(`evaluation exceeded ${run.limits.maxSteps} steps`, path);
    return ev(input, run);
  };
}

/** Prefixes the path of failures raised inside a referenced transform with the reference site. */
function prefixErrors(ev: Evaluator, prefix: string): Evaluator {
  return (input, run) => {
    try {
      return ev(input, run);
    } catch (e) {
      if (e instanceof EvalFailure) e.path = !e.path ? prefix : e.path.startsWith('{') ? prefix + e.path : `${prefix}.${e.path}`;
      throw e;
    }
  };
}
