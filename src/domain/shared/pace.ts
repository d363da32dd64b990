import { setImmediate } from 'node:timers/promises';

/** Synchronous work a loop may do before it lets the event loop turn (requests, timers, I/O). */
export const EVALUATION_SLICE_MS = 10;

/**
 * Paces a loop of synchronous work (evaluating mappings over many identities) so that it never
 * holds the event loop for long: `await pace.maybeYield()` after each item gives the event loop a
 * turn (`setImmediate`: pending I/O — requests — and timers run first) once `sliceMs` have passed
 * since the last turn, and otherwise returns at once. Cheap items are not slowed down: a clock
 * read per item, one turn per slice. (A first turn taken from an I/O callback — a database answer —
 * runs only the immediates queued before it; every later one is a whole iteration of the loop, so
 * timers and requests wait at most about two slices.)
 *
 *   const pace = new EvaluationPace();
 *   for (const identity of identities) { evaluate(identity); await pace.maybeYield(); }
 */
export class EvaluationPace {
  private since = performance.now();
  /** Turns given so far (for tests and benchmarks). */
  turns = 0;

  constructor(private readonly sliceMs = EVALUATION_SLICE_MS) {}

  /** A turn of the event loop when the slice is spent (a promise to await); nothing otherwise. */
  maybeYield(): Promise<void> | undefined {
    if (performance.now() - this.since < this.sliceMs) return undefined;
    return this.yield();
  }

  private async yield(): Promise<void> {
    await setImmediate();
    this.turns++;
    this.since = performance.now();
  }
}
