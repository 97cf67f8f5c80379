import { Schema } from "effect"

/** A price in major units of an ISO 4217 currency. */
export class Money extends Schema.Class<Money>("Money")({
  amount: Schema.Number.pipe(Schema.finite(), Schema.nonNegative()),
  currency: Schema.String.pipe(Schema.pattern(/^[A-Z]{3}$/))
}) {}

/** A product as a card shows it: the shop's own data, live price and stock. */
export class Product extends Schema.Class<Product>("Product")({
  id: Schema.String.pipe(Schema.minLength(1)),
  sku: Schema.String,
  name: Schema.String,
  description: Schema.optional(Schema.String),
  price: Money,
  url: Schema.String,
  imageUrl: Schema.optional(Schema.String),
  inStock: Schema.Boolean,
  stockQuantity: Schema.optional(Schema.Number.pipe(Schema.int(), Schema.nonNegative())),
  category: Schema.optional(Schema.String)
}) {}

/** What the bot asks the catalog for. Every field is optional; `limit` is capped by the catalog. */
export class ProductQuery extends Schema.Class<ProductQuery>("ProductQuery")({
  keyword: Schema.optional(Schema.String),
  category: Schema.optional(Schema.String),
  minPrice: Schema.optional(Schema.Number.pipe(Schema.finite(), Schema.nonNegative())),
  maxPrice: Schema.optional(Schema.Number.pipe(Schema.finite(), Schema.nonNegative())),
  inStockOnly: Schema.optional(Schema.Boolean),
  ids: Schema.optional(Schema.Array(Schema.String)),
  limit: Schema.optional(Schema.Number.pipe(Schema.int(), Schema.between(1, 50)))
}) {}
