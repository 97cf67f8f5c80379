import { type Ids, ShopDirectory } from "@chatbot-node/domain"
import { Cache, Clock, Duration, Effect, Layer, Option } from "effect"

/**
 * Wraps a ShopDirectory so that a chat request does not read and decode its shop from the database
 * two or three times (identity, origin check, routing). A shop read is served for `fresh`; after
 * that it is still served at once while it is read again in the background (stale while
 * revalidating: a visitor's message after a quiet spell does not wait for the database), up to
 * `maxStale`, past which a request waits for the read. A failed read is not kept, and a failed
 * background read keeps the shop it had. A shop saved through this instance is served fresh at
 * once; another instance's edit shows from the first request after `fresh`.
 */
export const layer = (fresh: Duration.DurationInput = "5 seconds", maxStale: Duration.DurationInput = "5 minutes"): Layer.Layer<ShopDirectory, never, ShopDirectory> =>
  Layer.scoped(
    ShopDirectory,
    Effect.gen(function*() {
      const stored = yield* ShopDirectory
      const cache = yield* Cache.make({ capacity: 10_000, timeToLive: maxStale, lookup: (id: Ids.ShopId) => stored.getShop(id) })
      const freshMillis = Duration.toMillis(Duration.decode(fresh))
      const scope = yield* Effect.scope
      const refreshing = new Set<Ids.ShopId>()
      /** Reads a shop kept longer than `fresh` again, once at a time, without holding up the request. */
      const revalidate = (id: Ids.ShopId) =>
        Effect.gen(function*() {
          const stats = yield* cache.entryStats(id)
          const now = yield* Clock.currentTimeMillis
          if (Option.isNone(stats) || now - stats.value.loadedMillis <= freshMillis || refreshing.has(id)) return
          refreshing.add(id)
          yield* stored.getShop(id).pipe(
            Effect.flatMap((shop) => cache.set(id, shop)),
            Effect.catchAll((error) => Effect.logWarning("shop not re-read; serving the one kept", error)),
            Effect.ensuring(Effect.sync(() => refreshing.delete(id))),
            Effect.forkIn(scope)
          )
        })
      return {
        ...stored,
        getShop: (id) => cache.get(id).pipe(Effect.tapError(() => cache.invalidate(id)), Effect.tap(() => revalidate(id))),
        saveShop: (shop) => stored.saveShop(shop).pipe(Effect.ensuring(cache.invalidate(shop.id)))
      } satisfies ShopDirectory.Service
    })
  )
