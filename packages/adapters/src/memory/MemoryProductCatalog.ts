import { ProductCatalog } from "@chatbot-node/domain"
import type { Locale, Product } from "@chatbot-node/domain"
import { Effect, Layer, Option } from "effect"

/** A product in every locale the catalog has it in (falls back to the first given). */
export type LocalizedProduct = Readonly<Partial<Record<Locale.Locale, Product.Product>>>

const defaultLimit = 5

const pick = (product: LocalizedProduct, locale: Locale.Locale): Product.Product | undefined =>
  product[locale] ?? product.en ?? Object.values(product)[0]

const normalize = (s: string) => s.normalize("NFKC").toLowerCase()

/** Words of a query; CJK text, which has no spaces, counts as one term per run of characters. */
const terms = (keyword: string): ReadonlyArray<string> =>
  normalize(keyword).split(/[\s,，。、;；!?！？]+/).filter((t) => t.length > 0)

const matchesKeyword = (all: ReadonlyArray<Product.Product>, keyword: string | undefined): number => {
  if (keyword === undefined || keyword.trim() === "") return 1
  const haystack = normalize(all.map((p) => `${p.name} ${p.description ?? ""} ${p.category ?? ""} ${p.sku}`).join(" "))
  return terms(keyword).filter((term) => haystack.includes(term)).length
}

/**
 * Builds a ProductCatalog over a fixed list (the same for every shop): keyword matches on name,
 * description, category and sku in any locale; category, price range and stock filters.
 */
export const make = (products: ReadonlyArray<LocalizedProduct>): ProductCatalog.Service => ({
  search: (_shopId, query, locale) =>
    Effect.sync(() => {
      const scored = products.flatMap((localized) => {
        const shown = pick(localized, locale)
        if (shown === undefined) return []
        const all = Object.values(localized).filter((p): p is Product.Product => p !== undefined)
        if (query.ids !== undefined && !query.ids.some((id) => id === shown.id || id === shown.sku)) return []
        if (query.category !== undefined && !all.some((p) => p.category !== undefined && normalize(p.category) === normalize(query.category!))) return []
        if (query.minPrice !== undefined && shown.price.amount < query.minPrice) return []
        if (query.maxPrice !== undefined && shown.price.amount > query.maxPrice) return []
        if (query.inStockOnly === true && !shown.inStock) return []
        const score = matchesKeyword(all, query.keyword)
        return score > 0 ? [{ shown, score }] : []
      })
      return scored
        .sort((a, b) => b.score - a.score)
        .slice(0, query.limit ?? defaultLimit)
        .map((s) => s.shown)
    }),
  get: (_shopId, idOrSku, locale) =>
    Effect.sync(() =>
      Option.fromNullable(products.find((p) => Object.values(p).some((v) => v !== undefined && (v.id === idOrSku || v.sku === idOrSku)))).pipe(
        Option.flatMap((p) => Option.fromNullable(pick(p, locale)))
      )
    )
})

/** The catalog as a layer. */
export const layer = (products: ReadonlyArray<LocalizedProduct>): Layer.Layer<ProductCatalog> =>
  Layer.succeed(ProductCatalog, make(products))
