import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers/promises';

/** Synchronous work a loop may do before it lets the event loop turn (requests, timers, I/O). */
export const EVALUATION_SLICE_MS = 10;

/**
 * Paces a loop of synchronous work (evaluating mappings over many identities) so that it never
 * holds the event loop for long:
 *
 *   const pace = new EvaluationPace();
 *   for (const identity of identities) {
 *     if (pace.due()) await pace.yield();
 *     ...
 *   }
 *
 * `due()` is true once `sliceMs` have passed since the pace began or last yielded; `yield()`
 * gives the event loop a turn (`setImmediate`: pending I/O — requests — and timers run first).
 * Cheap items are not slowed down: one clock read per item (`performance` imported, not the
 * global's getter), no promise unless a turn is due, one turn per slice. (A first turn taken from
 * an I/O callback — a database answer — runs only the immediates queued before it; every later
 * one is a whole iteration of the loop, so timers and requests wait at most about two slices,
 * plus the item in progress.)
 */
export class EvaluationPace {
  private since = performance.now();
  /** Turns given so far (for tests and benchmarks). */
  turns = 0;

  constructor(private readonly sliceMs = EVALUATION_SLICE_MS) {}

  /** Is the slice spent? */
  due(): boolean {
    return performance.now() - this.since >= this.sliceMs;
  }

  /** Gives the event loop a turn and starts a new slice. */
  async yield(): Promise<void> {
    await setImmediate();
    this.turns++;
    this.since = performance.now();
  }
}
