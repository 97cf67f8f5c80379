import { type Ids, ShopDirectory } from "@chatbot-node/domain"
import { Cache, type Duration, Effect, Layer } from "effect"

/**
 * Wraps a ShopDirectory so that a chat request does not read and decode its shop from the database
 * two or three times (identity, origin check, routing): a shop read is kept for `ttl` (a failed
 * read is not kept). A shop saved through this instance is served fresh at once; another
 * instance's edit shows within `ttl`.
 */
export const layer = (ttl: Duration.DurationInput = "5 seconds"): Layer.Layer<ShopDirectory, never, ShopDirectory> =>
  Layer.effect(
    ShopDirectory,
    Effect.gen(function*() {
      const stored = yield* ShopDirectory
      const cache = yield* Cache.make({ capacity: 10_000, timeToLive: ttl, lookup: (id: Ids.ShopId) => stored.getShop(id) })
      return {
        ...stored,
        getShop: (id) => cache.get(id).pipe(Effect.tapError(() => cache.invalidate(id))),
        saveShop: (shop) => stored.saveShop(shop).pipe(Effect.ensuring(cache.invalidate(shop.id)))
      } satisfies ShopDirectory.Service
    })
  )
