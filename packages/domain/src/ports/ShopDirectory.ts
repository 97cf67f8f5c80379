import { Context, type Effect, type Option } from "effect"
import type { StoreError } from "../model/Errors.js"
import type { ShopId } from "../model/Ids.js"
import type { Shop } from "../model/Shop.js"

/** The shops this server serves: their bots, routing rules, allowed origins and default locale. */
export class ShopDirectory extends Context.Tag("@chatbot-node/domain/ShopDirectory")<ShopDirectory, ShopDirectory.Service>() {}

export declare namespace ShopDirectory {
  export interface Service {
    readonly getShop: (id: ShopId) => Effect.Effect<Option.Option<Shop>, StoreError>
    readonly listShops: Effect.Effect<ReadonlyArray<Shop>, StoreError>
    readonly saveShop: (shop: Shop) => Effect.Effect<void, StoreError>
  }
}
