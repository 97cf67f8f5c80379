import { Either, Option, Schema } from "effect"
import type { FunctionCall } from "../model/FunctionCall.js"
import { ProductQuery, type Product } from "../model/Product.js"

/** The bot's function calls that the shop's catalog answers, by their bare name. */
export const searchToolNames: ReadonlyArray<string> = ["get_product_list", "search_products", "list_products", "product_search"]
export const detailToolNames: ReadonlyArray<string> = ["get_product_detail", "get_product", "product_detail"]

/** What the catalog should do for a call. */
export type CatalogRequest =
  | { readonly _tag: "Search"; readonly query: ProductQuery }
  | { readonly _tag: "Get"; readonly idOrSku: string }

/**
 * A tool's bare name: Coze prefixes plugin calls (`shop_plugin-get_product_list`,
 * `ts-weather_assistant-get_rain_probability`); the API name is the last segment.
 */
export const bareName = (name: string): string => {
  const segments = name.trim().split(/[-.:/]/)
  return (segments[segments.length - 1] ?? "").toLowerCase()
}

const LooseNumber = Schema.Union(Schema.Number, Schema.NumberFromString)
const LooseBoolean = Schema.Union(
  Schema.Boolean,
  Schema.transform(Schema.Literal("true", "false", "1", "0", "yes", "no"), Schema.Boolean, {
    strict: true,
    decode: (s) => s === "true" || s === "1" || s === "yes",
    encode: (b) => (b ? "true" : "false")
  })
)
const StringList = Schema.Union(
  Schema.Array(Schema.Union(Schema.String, Schema.Number)),
  Schema.String,
  Schema.Number
)

const firstOf = <A>(args: Record<string, unknown>, keys: ReadonlyArray<string>, schema: Schema.Schema<A, any>): Option.Option<A> => {
  const decode = Schema.decodeUnknownEither(schema)
  for (const key of keys) {
    if (args[key] === undefined || args[key] === null || args[key] === "") continue
    const decoded = decode(args[key])
    if (Either.isRight(decoded)) return Option.some(decoded.right)
  }
  return Option.none()
}

const asList = (value: ReadonlyArray<string | number> | string | number): ReadonlyArray<string> =>
  (Array.isArray(value) ? value : String(value).split(",")).map((v) => String(v).trim()).filter((v) => v !== "")

/** Reads a search call's arguments leniently (bots name them in many ways) into a ProductQuery. */
export const toProductQuery = (args: Record<string, unknown>): ProductQuery => {
  const keyword = firstOf(args, ["keyword", "keywords", "query", "q", "search", "name", "product_name", "text"], StringList)
  const category = firstOf(args, ["category", "category_name", "type"], Schema.String)
  const minPrice = firstOf(args, ["min_price", "minPrice", "price_min", "priceMin", "lowest_price"], LooseNumber)
  const maxPrice = firstOf(args, ["max_price", "maxPrice", "price_max", "priceMax", "budget", "highest_price"], LooseNumber)
  const inStock = firstOf(args, ["in_stock", "inStock", "in_stock_only", "inStockOnly", "available"], LooseBoolean)
  const ids = firstOf(args, ["ids", "product_ids", "skus", "sku_list"], StringList)
  const limit = firstOf(args, ["limit", "count", "top_k", "size", "page_size", "num"], LooseNumber)
  return new ProductQuery({
    keyword: Option.getOrUndefined(Option.map(keyword, (k) => asList(k).join(" "))),
    category: Option.getOrUndefined(category),
    minPrice: Option.getOrUndefined(Option.filter(minPrice, (n) => Number.isFinite(n) && n >= 0)),
    maxPrice: Option.getOrUndefined(Option.filter(maxPrice, (n) => Number.isFinite(n) && n >= 0)),
    inStockOnly: Option.getOrUndefined(inStock),
    ids: Option.getOrUndefined(Option.map(ids, asList)),
    limit: Option.getOrUndefined(Option.map(limit, (n) => Math.min(50, Math.max(1, Math.trunc(n)))))
  })
}

/** The catalog request a call stands for, if the catalog answers it. */
export const toCatalogRequest = (call: FunctionCall): Option.Option<CatalogRequest> => {
  const name = bareName(call.name)
  if (searchToolNames.includes(name)) return Option.some({ _tag: "Search", query: toProductQuery(call.arguments) })
  if (detailToolNames.includes(name)) {
    return Option.map(
      firstOf(call.arguments, ["id", "product_id", "productId", "sku"], Schema.Union(Schema.String, Schema.Number)),
      (id) => ({ _tag: "Get", idOrSku: String(id) })
    )
  }
  return Option.none()
}

/** The tool output a bot platform receives for the products found: compact JSON. */
export const toToolOutput = (products: ReadonlyArray<Product>): string =>
  JSON.stringify({
    products: products.map((p) => ({
      id: p.id,
      sku: p.sku,
      name: p.name,
      price: p.price.amount,
      currency: p.price.currency,
      in_stock: p.inStock,
      url: p.url,
      ...(p.category !== undefined ? { category: p.category } : {})
    }))
  })
