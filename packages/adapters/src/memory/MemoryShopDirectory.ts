import { ShopDirectory } from "@chatbot-node/domain"
import type { Ids, Shop } from "@chatbot-node/domain"
import { Effect, Layer, Option } from "effect"

/** Builds a ShopDirectory kept in memory, seeded with `shops` (a later shop with the same id wins). */
export const make = (shops: Iterable<Shop.Shop> = []): Effect.Effect<ShopDirectory.Service> =>
  Effect.sync(() => {
    const byId = new Map<Ids.ShopId, Shop.Shop>()
    for (const shop of shops) byId.set(shop.id, shop)
    return {
      getShop: (id) => Effect.sync(() => Option.fromNullable(byId.get(id))),
      listShops: Effect.sync(() => [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))),
      saveShop: (shop) =>
        Effect.sync(() => {
          byId.set(shop.id, shop)
        })
    }
  })

/** The in-memory ShopDirectory as a layer, seeded with `shops`. */
export const layer = (shops: Iterable<Shop.Shop> = []): Layer.Layer<ShopDirectory> =>
  Layer.effect(ShopDirectory, make(shops))
