import { Effect } from "effect"

/** Runs effects one at a time per key (e.g. per conversation); keys no one holds are forgotten. */
export interface KeyedLock<K> {
  /** Runs `effect` once no one else holds `key` (waiting interruptibly), holding it until `effect` ends. */
  readonly withLock: (key: K) => <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** The keys held right now. */
  readonly size: () => number
}

/**
 * A lock per key, handed to its waiters in the order they came. A key held by no one costs a map
 * entry's check, not a semaphore and an acquire/release bracket: every reply takes one (the chat per
 * conversation, the Coze gateway per upstream conversation), almost always uncontended.
 */
export const makeKeyedLock = <K>(): Effect.Effect<KeyedLock<K>> =>
  Effect.sync(() => {
    // A key is in the map while someone holds it, with the wake-ups of those waiting for it.
    const held = new Map<K, Array<() => void>>()

    /** The key goes to the next waiter, or to no one. */
    const handOver = (key: K) => {
      const next = held.get(key)?.shift()
      if (next === undefined) held.delete(key)
      else next()
    }
    const release = (key: K) => Effect.sync(() => handOver(key))

    const acquire = (key: K): Effect.Effect<void> =>
      Effect.suspend(() => {
        const waiting = held.get(key)
        if (waiting === undefined) {
          held.set(key, [])
          return Effect.void
        }
        return Effect.async<void>((resume) => {
          let woken = false
          const wake = () => {
            woken = true
            resume(Effect.void)
          }
          waiting.push(wake)
          // Interrupted while waiting: out of the line; or, if the key was handed over in the same
          // moment, passed on at once (the interrupted fiber will not run to release it).
          return Effect.sync(() => {
            if (woken) return handOver(key)
            const at = waiting.indexOf(wake)
            if (at !== -1) waiting.splice(at, 1)
          })
        })
      })

    return {
      withLock: (key) => (effect) =>
        Effect.uninterruptibleMask((restore) => Effect.zipRight(restore(acquire(key)), Effect.ensuring(restore(effect), release(key)))),
      size: () => held.size
    }
  })
