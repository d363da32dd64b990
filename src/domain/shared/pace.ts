import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers/promises';

/** Synchronous work a loop may do before it lets the event loop turn (requests, timers, I/O). */
export const EVALUATION_SLICE_MS = 10;

/**
 * Paces a loop of synchronous work (evaluating mappings over many identities) so that it never
 * holds the event loop for long (`forEachPaced` below is such a loop):
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

/** The last paced loop started, and how many are running or waiting: one runs at a time in a process (see forEachPaced). */
let running: Promise<void> = Promise.resolve();
let loops = 0;

/**
 * Calls `fn` for each item, giving the event loop a turn whenever a slice of work is spent
 * (EvaluationPace). A turn lets requests, timers and I/O run, not another paced loop: loops run
 * one at a time in a process, in the order they were started (chunks evaluated interleaved, each
 * with its objects alive the while, cost more CPU than one after another — BENCHMARKS.md, "Tried
 * and dropped"). The items of a slice run in a synchronous function, which V8 optimizes (it does
 * not optimize a loop of an async function while it runs).
 */
export async function forEachPaced<T>(
  items: Iterable<T>,
  fn: (item: T) => void,
  sliceMs = EVALUATION_SLICE_MS,
): Promise<void> {
  const previous = running;
  const waits = loops++ > 0;
  let done!: () => void;
  running = new Promise((resolve) => {
    done = resolve;
  });
  try {
    await previous;
    // the loop before ended without a turn (and its caller went on): take one before starting
    if (waits) await setImmediate();
    const pace = new EvaluationPace(sliceMs);
    const iterator = items[Symbol.iterator]();
    while (runSlice(iterator, fn, pace)) await pace.yield();
  } finally {
    loops--;
    done();
  }
}

/** Calls `fn` for the next items until the slice is spent (true: items are left) or they end (false). */
function runSlice<T>(iterator: Iterator<T>, fn: (item: T) => void, pace: EvaluationPace): boolean {
  for (;;) {
    const next = iterator.next();
    if (next.done) return false;
    fn(next.value);
    if (pace.due()) return true;
  }
}
