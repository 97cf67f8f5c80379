import { Context, type Effect, type Option } from "effect"
import type { CatalogError } from "../model/Errors.js"
import type { ShopId } from "../model/Ids.js"
import type { Locale } from "../model/Locale.js"
import type { Product, ProductQuery } from "../model/Product.js"

/** A shop's products: searched when the bot asks, with live price and stock. */
export class ProductCatalog extends Context.Tag("@chatbot-node/domain/ProductCatalog")<
  ProductCatalog,
  ProductCatalog.Service
>() {}

export declare namespace ProductCatalog {
  export interface Service {
    readonly search: (
      shopId: ShopId,
      query: ProductQuery,
      locale: Locale
    ) => Effect.Effect<ReadonlyArray<Product>, CatalogError>
    /** A product by id or sku. */
    readonly get: (shopId: ShopId, idOrSku: string, locale: Locale) => Effect.Effect<Option.Option<Product>, CatalogError>
  }
}
