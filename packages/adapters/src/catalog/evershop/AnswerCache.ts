import { Clock, Effect } from "effect"

/** A small time-limited cache of catalog answers, cleared as a whole when the shop reports changes. */
export interface AnswerCache {
  /** The cached answer for `key` if fresh, else runs `compute` and keeps its success. */
  readonly through: <A, E, R>(key: string, compute: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Drops every entry; returns how many there were. */
  readonly clear: Effect.Effect<number>
}

/** A cache keeping each answer `ttlMs` (0 disables it), at most `maxEntries` (oldest dropped first). */
export const make = (options: { readonly ttlMs: number; readonly maxEntries?: number | undefined }): AnswerCache => {
  const entries = new Map<string, { readonly value: unknown; readonly until: number }>()
  let generation = 0
  const max = options.maxEntries ?? 500
  return {
    through: <A, E, R>(key: string, compute: Effect.Effect<A, E, R>) =>
      options.ttlMs <= 0
        ? compute
        : Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const hit = entries.get(key)
          if (hit !== undefined && hit.until > now) return Effect.succeed(hit.value as A)
          const started = generation
          return Effect.tap(compute, (value) =>
            Effect.sync(() => {
              // An answer computed across an invalidation may be stale: it is not kept.
              if (started !== generation) return
              entries.delete(key)
              entries.set(key, { value, until: now + options.ttlMs })
              while (entries.size > max) entries.delete(entries.keys().next().value!)
            }))
        }),
    clear: Effect.sync(() => {
      generation++
      const size = entries.size
      entries.clear()
      return size
    })
  }
}
