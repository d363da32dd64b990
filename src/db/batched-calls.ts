/**
 * Gathers the calls made in one turn of the event loop and runs them together (`runMany` answers
 * each item, in order), e.g. several writes in one statement and one commit. Like
 * `batchedLookup`, a batch is sent in the next `setImmediate`; a failing `runMany` fails every call.
 */
export function batchedCalls<T, R>(runMany: (items: T[]) => Promise<R[]>, maxBatch = 100): (item: T) => Promise<R> {
  type Call = { item: T; resolve: (r: R) => void; reject: (e: unknown) => void };
  let pending: Call[] | undefined;

  async function run(batch: Call[]): Promise<void> {
    if (pending === batch) pending = undefined;
    try {
      const results = await runMany(batch.map((c) => c.item));
      batch.forEach((c, i) => c.resolve(results[i]));
    } catch (e) {
      for (const c of batch) c.reject(e);
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      if (!pending) setImmediate(run, (pending = []));
      const batch = pending;
      batch.push({ item, resolve, reject });
      if (batch.length >= maxBatch) pending = undefined; // full: the next call starts another batch
    });
}
