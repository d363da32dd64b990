/**
 * Run-time state of one `evaluate` call and the value helpers every operation shares.
 * Invariant: every value flowing between compiled nodes is a `Value` (text, null or list).
 */
import { randomInt } from 'node:crypto';
import { failLimit } from './errors.js';
import type { Limits } from './limits.js';
import type { EvaluationContext, TransformValue } from './types.js';

export type Value = TransformValue;

/**
 * Steps shared by several evaluations (an identity's mappings): each continues where the last
 * stopped, and together they may take `max`. `label` opens the message when they run out.
 */
export interface StepMeter {
  steps: number;
  readonly max: number;
  readonly label: string;
}

/** Mutable state of one evaluation. */
export interface Run {
  readonly ctx: EvaluationContext;
  readonly limits: Limits;
  /** Counted steps (from the meter's count, when shared) … */
  steps: number;
  /** … and where they stop: `limits.maxSteps` more, or the meter's max, whichever is first. */
  readonly maxSteps: number;
  readonly meter: StepMeter | undefined;
  /** Evaluation instant in epoch ms, read lazily through `nowMs(run)`. */
  now: number | undefined;
  /** Per-run cache slots for expensive derived objects (e.g. the `$identity` template object). */
  cache: Map<string, unknown> | undefined;
}

/** A compiled transform node: implicit input in, value out; throws `EvalFailure` on error. */
export type Evaluator = (input: Value, run: Run) => Value;

export function createRun(ctx: EvaluationContext, limits: Limits, meter?: StepMeter): Run {
  // sharing a meter, the run starts where the last one stopped, and still takes at most maxSteps of its own
  const steps = meter?.steps ?? 0;
  const maxSteps = meter ? Math.min(meter.max, steps + limits.maxSteps) : limits.maxSteps;
  return { ctx, limits, steps, maxSteps, meter, now: undefined, cache: undefined };
}

/** Fails the run: its steps are spent (its own, or the meter it shares). */
export function stepsExceeded(run: Run, path: string): never {
  if (run.meter && run.steps > run.meter.max) failLimit(`${run.meter.label} exceeded ${run.meter.max} steps`, path);
  return failLimit(`evaluation exceeded ${run.limits.maxSteps} steps`, path);
}

/** The evaluation instant, fixed for the whole run. */
export function nowMs(run: Run): number {
  if (run.now === undefined) run.now = run.ctx.now ? run.ctx.now.getTime() : Date.now();
  return run.now;
}

/** A uniformly random integer in [0, n). Uses `ctx.random` when given, else `crypto.randomInt`. */
export function randomBelow(run: Run, n: number): number {
  const random = run.ctx.random;
  if (!random) return randomInt(n);
  const r = Math.floor(random() * n);
  return r >= 0 && r < n ? r : 0;
}

/** Per-run memo: computes `make()` once per evaluation for `key`. */
export function runCached<T>(run: Run, key: string, make: () => T): T {
  if (!run.cache) run.cache = new Map();
  if (run.cache.has(key)) return run.cache.get(key) as T;
  const value = make();
  run.cache.set(key, value);
  return value;
}

/** Counts one step and fails the run when the step budget is spent. */
export function tick(run: Run, path: string): void {
  if (++run.steps > run.maxSteps) stepsExceeded(run, path);
}

/**
 * Counts `steps` for work bigger than a node's (a regex over a long text, a long string
 * processed): the step budget then bounds an evaluation's time, not only its node count.
 */
export function charge(run: Run, steps: number, path: string): void {
  run.steps += steps;
  if (run.steps > run.maxSteps) stepsExceeded(run, path);
}

/** Characters of text one step pays for when a string is processed (some 30 ns of copying or scanning). */
export const CHARS_PER_STEP = 256;

/** Fails the run when a produced string is longer than the limit. */
export function checkLength(text: string, run: Run, path: string): string {
  if (text.length > run.limits.maxStringLength) {
    failLimit(`value longer than ${run.limits.maxStringLength} characters`, path);
  }
  return text;
}

/**
 * Text of a value: null stays null, lists render like Java's `List.toString` (`[a, b]`).
 * @example valueToText(['a', 'b']) // '[a, b]'
 */
export function valueToText(value: Value): string | null {
  if (value === null || typeof value === 'string') return value;
  return `[${value.map((v) => (v === null ? 'null' : valueToText(v))).join(', ')}]`;
}

/** `obj[key]` for own properties only (never the prototype chain: `constructor`, `__proto__`). */
export function own(obj: Readonly<Record<string, unknown>> | null | undefined, key: string): unknown {
  return obj && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Converts data from the outside (account/identity attributes, JSON literals) to a `Value`. */
export function toValue(raw: unknown): Value {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return String(raw);
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : raw.toISOString();
  if (Array.isArray(raw)) return raw.map(toValue);
  return JSON.stringify(raw) ?? null;
}

/** True for a value that counts as "present": not null and not an empty list. */
export function isPresent(value: Value): boolean {
  return value !== null && (typeof value === 'string' || value.length > 0);
}

/**
 * Integer from text the way ISC data writes numbers: `3`, `"3"`, `2.0`, `"-1.0"`; truncates.
 * Returns undefined when the text is not a number.
 */
export function parseInteger(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  const n = Math.trunc(Number(t));
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Boolean from `true`/`false` or their text (any case); undefined otherwise. */
export function parseBoolean(raw: unknown): boolean | undefined {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw !== 'string') return undefined;
  const t = raw.trim().toLowerCase();
  return t === 'true' ? true : t === 'false' ? false : undefined;
}
