// Internal: the results of a pure function, kept per input. A fleet repeats the same few inputs (durations,
// queries, placeholders) thousands of times; the memo is emptied when it holds `limit` entries, so that it
// stays small whatever the inputs.

/**
 * Results of a pure function of `K`, computed once per key (a `Map`: it does not tell -0 from 0).
 */
export class BoundedMemo<K, V> {
  private readonly values = new Map<K, V>();

  /**
   * @param compute the function, of the key; or pass one to each `get` (it must give the same result for the same key)
   * @param limit the number of results kept
   */
  constructor(private readonly compute?: (key: K) => V, private readonly limit = 1024) {}

  /** The cached result for `key`, computed on the first call. A computation that throws is not kept. */
  public get(key: K, compute = this.compute!): V {
    const hit = this.values.get(key);
    if (hit !== undefined || this.values.has(key)) return hit as V;
    const value = compute(key);
    if (this.values.size >= this.limit) this.values.clear();
    this.values.set(key, value);
    return value;
  }

  /** Number of cached results. */
  public get size(): number {
    return this.values.size;
  }
}
