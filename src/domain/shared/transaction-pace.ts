/**
 * How many rows the next of a series of transactions should take so that each lasts about
 * `targetMs`. On the embedded database a transaction holds its one session until it ends, and every
 * request waits for it: a fixed count of rows is too many on a slow or busy machine (a 500-row load
 * step held it 70–750 ms, bench/pglite-responsiveness) and needlessly few on a fast one, where each
 * transaction's fixed statements then dominate. So the count follows the time the last ones took.
 */
export class TransactionPace {
  #rows: number;
  readonly #min: number;
  readonly #max: number;
  readonly #targetMs: number;

  constructor({ initial, min, max, targetMs }: { initial: number; min: number; max: number; targetMs: number }) {
    this.#rows = initial;
    this.#min = min;
    this.#max = max;
    this.#targetMs = targetMs;
  }

  /** Rows for the next transaction. */
  get rows(): number {
    return this.#rows;
  }

  /**
   * Records that a transaction of `rows` rows took `ms`. The next count moves halfway (geometric
   * mean) toward the one that would have taken `targetMs` at that rate: one slow transaction (a
   * collection, a burst of requests) does not swing it, a lasting change does within a few.
   */
  took(rows: number, ms: number): void {
    if (rows <= 0 || !(ms > 0)) return;
    const ideal = (rows * this.#targetMs) / ms;
    this.#rows = Math.round(Math.min(this.#max, Math.max(this.#min, Math.sqrt(this.#rows * ideal))));
  }
}
