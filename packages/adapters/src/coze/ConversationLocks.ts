import { Effect, RcMap, type Scope } from "effect"

/** One permit per key: holds the key for the life of the caller's scope. */
export interface ConversationLocks {
  /** Waits (interruptibly) until no one else holds `key`, then holds it until the scope closes. */
  readonly hold: (key: string) => Effect.Effect<void, never, Scope.Scope>
}

/**
 * Serialises work per upstream conversation, so Coze never sees two running chats in one
 * conversation (4016). Keys nobody waits on are dropped.
 */
export const make: Effect.Effect<ConversationLocks, never, Scope.Scope> = Effect.map(
  RcMap.make({ lookup: (_key: string) => Effect.makeSemaphore(1) }),
  (map) => ({
    hold: (key) =>
      Effect.flatMap(RcMap.get(map, key), (semaphore) =>
        Effect.uninterruptibleMask((restore) =>
          restore(semaphore.take(1)).pipe(Effect.zipRight(Effect.addFinalizer(() => semaphore.release(1))))
        ))
  })
)
