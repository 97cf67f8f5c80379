import { Product } from "@chatbot-node/domain"
import { Option, Schema } from "effect"

/** A row of the look-up query: EverShop's product, description, inventory, main image, category and URL rewrite. */
export const ProductRow = Schema.Struct({
  product_id: Schema.Number,
  sku: Schema.String,
  price: Schema.Union(Schema.Number, Schema.NumberFromString),
  name: Schema.NullOr(Schema.String),
  short_description: Schema.optional(Schema.NullOr(Schema.String)),
  uuid: Schema.String,
  qty: Schema.NullOr(Schema.Union(Schema.Number, Schema.NumberFromString)),
  manage_stock: Schema.NullOr(Schema.Boolean),
  stock_availability: Schema.NullOr(Schema.Boolean),
  origin_image: Schema.NullOr(Schema.String),
  category_name: Schema.NullOr(Schema.String),
  request_path: Schema.NullOr(Schema.String),
  score: Schema.optional(Schema.Union(Schema.Number, Schema.NumberFromString))
})
export type ProductRow = typeof ProductRow.Type

/** An SQL statement with positional parameters ($1, $2...). */
export interface Statement {
  readonly text: string
  readonly values: ReadonlyArray<unknown>
}

const defaultLimit = 5

/** The words of a keyword, lower-cased, without duplicates (at most five). */
export const termsOf = (keyword: string | undefined): ReadonlyArray<string> =>
  keyword === undefined
    ? []
    : Array.from(new Set(keyword.normalize("NFKC").toLowerCase().split(/[\s,，。、;；!?！？"'()]+/).filter((t) => t.length > 0))).slice(0, 5)

const select = `SELECT p.product_id, p.uuid, p.sku, p.price, pd.name, pd.short_description,
  i.qty, i.manage_stock, i.stock_availability, img.origin_image, cd.name AS category_name, ur.request_path`
const from = `FROM product p
  JOIN product_description pd ON pd.product_description_product_id = p.product_id
  JOIN product_inventory i ON i.product_inventory_product_id = p.product_id
  LEFT JOIN product_image img ON img.product_image_product_id = p.product_id AND img.is_main = true
  LEFT JOIN category_description cd ON cd.category_description_category_id = p.category_id
  LEFT JOIN LATERAL (SELECT request_path FROM url_rewrite
    WHERE entity_uuid = p.uuid AND entity_type = 'product' ORDER BY url_rewrite_id DESC LIMIT 1) ur ON true`
const inStock = "(i.manage_stock = false OR (i.qty > 0 AND i.stock_availability = true))"
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

/**
 * The storefront's rules (enabled and visible products) plus the bot's query: any word of the
 * keyword in the name (`ILIKE`, so "cup" finds "Cups") or in EverShop's full-text index over
 * name and description; products matching more words first.
 */
export const searchStatement = (query: Product.ProductQuery): Statement => {
  const values: Array<unknown> = []
  const param = (v: unknown) => {
    values.push(v)
    return `$${values.length}`
  }
  const where = ["p.status = true", "p.visibility = true"]
  const terms = termsOf(query.keyword)
  let score = "0"
  if (terms.length > 0) {
    const likes = param(terms.map((t) => `%${escapeLike(t)}%`))
    const fullText = param(terms.join(" or "))
    where.push(`(pd.name ILIKE ANY(${likes}) OR p.sku ILIKE ANY(${likes}) OR to_tsvector('simple', pd.name || ' ' || coalesce(pd.description, '')) @@ websearch_to_tsquery('simple', ${fullText}))`)
    score = `(SELECT count(*) FROM unnest(${likes}::text[]) AS t(pattern) WHERE pd.name ILIKE t.pattern OR p.sku ILIKE t.pattern)`
  }
  if (query.category !== undefined && query.category.trim() !== "") where.push(`cd.name ILIKE ${param(escapeLike(query.category.trim()))}`)
  if (query.minPrice !== undefined) where.push(`p.price >= ${param(query.minPrice)}`)
  if (query.maxPrice !== undefined) where.push(`p.price <= ${param(query.maxPrice)}`)
  if (query.inStockOnly === true) where.push(inStock)
  if (query.ids !== undefined && query.ids.length > 0) {
    const ids = query.ids.filter((id) => /^\d{1,9}$/.test(id)).map(Number)
    where.push(`(p.sku = ANY(${param(query.ids)}) OR p.product_id = ANY(${param(ids)}::int[]))`)
  }
  const limit = param(query.limit ?? defaultLimit)
  return { text: `${select}, ${score} AS score\n${from}\nWHERE ${where.join("\n  AND ")}\nORDER BY score DESC, p.product_id DESC\nLIMIT ${limit}`, values }
}

/** One enabled product by sku, else by id. */
export const getStatement = (idOrSku: string): Statement => {
  const id = /^\d{1,9}$/.test(idOrSku) ? Number(idOrSku) : -1
  return {
    text: `${select}\n${from}\nWHERE p.status = true AND (p.sku = $1 OR p.product_id = $2)\nORDER BY (p.sku = $1) DESC\nLIMIT 1`,
    values: [idOrSku, id]
  }
}

const absolute = (path: string, base: string) => new URL(path, `${base}/`).href

/** A row as the domain's Product (absolute links, price in the store's currency); none when it breaks the domain's rules. */
export const toProduct = (raw: unknown, options: { readonly baseUrl: string; readonly currency: string }): Option.Option<Product.Product> =>
  Option.flatMap(Schema.decodeUnknownOption(ProductRow)(raw), (row) => {
    const managed = row.manage_stock !== false
    const qty = row.qty === null ? 0 : Math.max(0, Math.trunc(row.qty))
    const available = !managed || (qty > 0 && row.stock_availability === true)
    const description = row.short_description?.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim()
    return Schema.decodeUnknownOption(Product.Product)({
      id: String(row.product_id),
      sku: row.sku,
      name: row.name ?? row.sku,
      ...(description !== undefined && description !== "" ? { description } : {}),
      price: { amount: row.price, currency: options.currency.toUpperCase() },
      url: absolute(row.request_path ?? `/product/${row.uuid}`, options.baseUrl),
      ...(row.origin_image !== null && row.origin_image !== "" ? { imageUrl: absolute(row.origin_image, options.baseUrl) } : {}),
      inStock: available,
      ...(managed ? { stockQuantity: qty } : {}),
      ...(row.category_name !== null ? { category: row.category_name } : {})
    })
  })
