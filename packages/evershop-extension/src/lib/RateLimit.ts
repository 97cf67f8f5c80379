/** A token bucket per client address: `perMinute` look-ups, refilled evenly; at most `maxKeys` addresses remembered. */
export const makeRateLimit = (perMinute: number, maxKeys = 10_000) => {
  const buckets = new Map<string, { tokens: number; at: number }>()
  const rate = perMinute / 60_000
  return {
    /** Takes one token for `key` at time `now` (ms); the wait in seconds when none is left. */
    take: (key: string, now: number): { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number } => {
      const bucket = buckets.get(key) ?? { tokens: perMinute, at: now }
      bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * rate)
      bucket.at = now
      buckets.delete(key)
      buckets.set(key, bucket)
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!)
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return { allowed: true }
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / rate / 1000)) }
    }
  }
}
