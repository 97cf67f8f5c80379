import { Schema } from "effect"

/** A price as EverShop's storefront GraphQL gives it (`Price { value currency }`). */
export const WirePrice = Schema.Struct({
  value: Schema.Number,
  currency: Schema.String
})

/** A product as the adapter selects it from EverShop's storefront GraphQL. */
export const WireProduct = Schema.Struct({
  productId: Schema.Number,
  sku: Schema.String,
  name: Schema.String,
  status: Schema.optional(Schema.NullOr(Schema.Number)),
  visibility: Schema.optional(Schema.NullOr(Schema.Union(Schema.Number, Schema.Boolean))),
  url: Schema.NullOr(Schema.String),
  metaDescription: Schema.optional(Schema.NullOr(Schema.String)),
  price: Schema.Struct({ regular: WirePrice }),
  inventory: Schema.Struct({ isInStock: Schema.Boolean }),
  image: Schema.optional(Schema.NullOr(Schema.Struct({ url: Schema.NullOr(Schema.String) }))),
  category: Schema.optional(Schema.NullOr(Schema.Struct({ categoryId: Schema.Number, name: Schema.String })))
})
export type WireProduct = typeof WireProduct.Type

/** A `ProductCollection` (only its items: EverShop answers `currentPage` with an error). */
export const WireCollection = Schema.Struct({
  items: Schema.Array(Schema.NullOr(WireProduct))
})

/** A `CategoryCollection`'s items, for category names. */
export const WireCategories = Schema.Struct({
  items: Schema.Array(Schema.Struct({ categoryId: Schema.Number, name: Schema.String }))
})

/** A GraphQL response: `data` (aliases to values) and/or `errors`. */
export const GraphQlResponse = Schema.Struct({
  data: Schema.optional(Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown }))),
  errors: Schema.optional(Schema.Array(Schema.Struct({ message: Schema.String })))
})

/** One filter of EverShop's `FilterInput`. */
export interface Filter {
  readonly key: string
  readonly operation: "eq" | "like" | "in"
  readonly value: string
}

/** The product fields every query selects. */
export const productFields = `productId sku name status visibility url metaDescription
  price { regular { value currency } } inventory { isInStock } image { url } category { categoryId name }`
