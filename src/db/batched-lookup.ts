/**
 * Coalesces the lookups by key that arrive in one turn of the event loop into one query
 * (DataLoader-style). Not a cache: every call is answered by a query that starts after the call
 * was made (the batch is sent in the next `setImmediate`, i.e. once Node has read every request
 * that was ready), so it never answers with data older than a write committed before the call.
 *
 * A failing query fails every call of its batch — unless `causedByKey(error)` says one of its
 * keys may have caused it (a value the database refuses): then each key is looked up on its own,
 * so only the callers of the key that fails see the error. A batch shares one query between
 * unrelated requests, and one request's bad input must not fail the others. (Any other error —
 * a lost connection, a timeout — fails the batch: looking each key up again would only repeat it.)
 */
export function batchedLookup<K, V>(
  loadMany: (keys: K[]) => Promise<Map<K, V>>,
  maxBatch = 200,
  causedByKey: (error: unknown) => boolean = () => false,
): (key: K) => Promise<V | undefined> {
  type Waiter = { resolve: (v: V | undefined) => void; reject: (e: unknown) => void };
  let pending: Map<K, Waiter[]> | undefined;

  async function answer(batch: Map<K, Waiter[]>): Promise<void> {
    try {
      const found = await loadMany([...batch.keys()]);
      for (const [key, waiters] of batch) for (const w of waiters) w.resolve(found.get(key));
    } catch (e) {
      if (batch.size > 1 && causedByKey(e)) {
        await Promise.all([...batch].map(([key, waiters]) => answer(new Map([[key, waiters]]))));
        return;
      }
      for (const waiters of batch.values()) for (const w of waiters) w.reject(e);
    }
  }

  function run(batch: Map<K, Waiter[]>): void {
    if (pending === batch) pending = undefined;
    void answer(batch);
  }

  return (key) =>
    new Promise<V | undefined>((resolve, reject) => {
      if (!pending) setImmediate(run, (pending = new Map()));
      const batch = pending;
      const waiters = batch.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else batch.set(key, [{ resolve, reject }]);
      if (batch.size >= maxBatch) pending = undefined; // full: the next call starts another batch
    });
}
