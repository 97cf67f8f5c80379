import { Effect } from "effect"

/** Runs effects one at a time per key (e.g. per conversation); keys with no waiter are forgotten. */
export interface KeyedLock<K> {
  readonly withLock: (key: K) => <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  readonly size: () => number
}

export const makeKeyedLock = <K>(): Effect.Effect<KeyedLock<K>> =>
  Effect.sync(() => {
    const entries = new Map<K, { readonly semaphore: Effect.Semaphore; users: number }>()
    const acquire = (key: K) =>
      Effect.sync(() => {
        let entry = entries.get(key)
        if (entry === undefined) {
          entry = { semaphore: Effect.unsafeMakeSemaphore(1), users: 0 }
          entries.set(key, entry)
        }
        entry.users++
        return entry
      })
    const release = (key: K, entry: { users: number }) =>
      Effect.sync(() => {
        entry.users--
        if (entry.users === 0) entries.delete(key)
      })
    return {
      withLock: (key) => (effect) =>
        Effect.acquireUseRelease(acquire(key), (entry) => entry.semaphore.withPermits(1)(effect), (entry) => release(key, entry)),
      size: () => entries.size
    }
  })
