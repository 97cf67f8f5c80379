import type { Product } from "@chatbot-node/domain"
import type { Filter } from "./EverShopWire.js"
import { productFields } from "./EverShopWire.js"

/** A GraphQL document with its variables, each alias answering one part of a look-up. */
export interface GraphQlRequest {
  readonly query: string
  readonly variables: Record<string, unknown>
}

/** The words of a keyword, lower-cased, without duplicates (at most five). */
export const termsOf = (keyword: string | undefined): ReadonlyArray<string> =>
  keyword === undefined
    ? []
    : Array.from(new Set(keyword.normalize("NFKC").toLowerCase().split(/[\s,，。、;；!?！？"'()]+/).filter((t) => t.length > 0))).slice(0, 5)

/** The filters of a search other than the keyword: price range, categories and how many. */
export const baseFilters = (query: Product.ProductQuery, categoryIds: ReadonlyArray<number> | undefined, fetch: number): Array<Filter> => {
  const filters: Array<Filter> = []
  if (query.minPrice !== undefined && query.minPrice > 0) filters.push({ key: "min_price", operation: "eq", value: String(query.minPrice) })
  if (query.maxPrice !== undefined) filters.push({ key: "max_price", operation: "eq", value: String(query.maxPrice) })
  if (categoryIds !== undefined) filters.push({ key: "cat", operation: "in", value: categoryIds.join(",") })
  filters.push({ key: "limit", operation: "eq", value: String(fetch) })
  return filters
}

/**
 * One request for a search: EverShop's full-text `keyword` filter over any of the words (its
 * `simple` dictionary does not stem, so each word also runs as a `name like` filter, which finds
 * "cups" for "cup"), or the plain listing without a keyword; skus and ids asked for by name.
 */
export const searchRequest = (query: Product.ProductQuery, categoryIds: ReadonlyArray<number> | undefined, fetch: number): GraphQlRequest => {
  const base = baseFilters(query, categoryIds, fetch)
  const terms = termsOf(query.keyword)
  const parts: Array<string> = []
  const variables: Record<string, unknown> = {}
  const vars: Array<string> = []
  const collection = (alias: string, filters: ReadonlyArray<Filter>) => {
    vars.push(`$${alias}: [FilterInput]`)
    variables[alias] = filters
    parts.push(`${alias}: products(filters: $${alias}) { items { ...P } }`)
  }
  const ids = query.ids ?? []
  if (ids.length > 0) {
    collection("skus", [...base.filter((f) => f.key !== "limit"), { key: "sku", operation: "in", value: ids.join(",") }, { key: "limit", operation: "eq", value: "50" }])
    ids.filter((id) => /^\d{1,9}$/.test(id)).forEach((id, i) => parts.push(`id${i}: product(id: ${Number(id)}) { ...P }`))
  } else if (terms.length === 0) {
    collection("all", base)
  } else {
    collection("keyword", [{ key: "keyword", operation: "eq", value: terms.join(" or ") }, ...base])
    terms.forEach((term, i) => collection(`name${i}`, [{ key: "name", operation: "like", value: term }, ...base]))
  }
  const header = vars.length > 0 ? `query Search(${vars.join(", ")})` : "query Search"
  return { query: `${header} {\n  ${parts.join("\n  ")}\n}\nfragment P on Product { ${productFields} }`, variables }
}

/** One request for a product by id (EverShop's `product_id`) and by sku. */
export const getRequest = (idOrSku: string): GraphQlRequest => {
  const byId = /^\d{1,9}$/.test(idOrSku) ? `\n  byId: product(id: ${Number(idOrSku)}) { ...P }` : ""
  return {
    query: `query Get($sku: [FilterInput]) {\n  bySku: products(filters: $sku) { items { ...P } }${byId}\n}\nfragment P on Product { ${productFields} }`,
    variables: { sku: [{ key: "sku", operation: "in", value: idOrSku.replace(/,/g, "") }, { key: "limit", operation: "eq", value: "1" }] }
  }
}

/** Categories whose name contains the given text. */
export const categoriesRequest = (name: string): GraphQlRequest => ({
  query: "query Categories($f: [FilterInput]) { categories(filters: $f) { items { categoryId name } } }",
  variables: { f: [{ key: "name", operation: "like", value: name }] }
})
