import { Product, ProductCatalog } from "@chatbot-node/domain"
import type { HttpClient } from "@effect/platform"
import { Context, Duration, Effect, Layer, Option, type Redacted, Schema } from "effect"
import * as AnswerCache from "./AnswerCache.js"
import { CatalogInvalidation } from "./CatalogInvalidation.js"
import * as EverShopGraphQl from "./EverShopGraphQl.js"
import { categoriesRequest, getRequest, searchRequest, termsOf } from "./EverShopQueries.js"
import { WireCategories, WireCollection, WireProduct } from "./EverShopWire.js"

/** Where the shop is and how its answers are kept. */
export interface EverShopCatalogOptions {
  /** The shop's base URL as this server reaches it (its GraphQL is `<url>/api/graphql`). */
  readonly url: string
  /** The shop's base URL as visitors reach it, for product links and images; `url` by default. */
  readonly publicUrl?: string | undefined
  /** How long a look-up may take (5 s by default). */
  readonly timeout?: Duration.DurationInput | undefined
  /** How long answers are reused (30 s by default; 0 disables the cache). */
  readonly cacheTtl?: Duration.DurationInput | undefined
  /** The secret the shop's extension sends with change notifications. */
  readonly secret?: Option.Option<Redacted.Redacted> | undefined
}

const defaultLimit = 5
const decodeProduct = Schema.decodeUnknownOption(Product.Product)

const absolute = (path: string | null | undefined, base: string): string | undefined => {
  if (path == null || path === "") return undefined
  try {
    return new URL(path, `${base}/`).href
  } catch {
    return undefined
  }
}

/** A storefront product as a domain Product (none when EverShop's data breaks the domain's rules). */
export const toProduct = (wire: WireProduct, base: string): Option.Option<Product.Product> =>
  decodeProduct({
    id: String(wire.productId),
    sku: wire.sku,
    name: wire.name,
    ...(wire.metaDescription != null && wire.metaDescription.trim() !== "" ? { description: wire.metaDescription } : {}),
    price: { amount: wire.price.regular.value, currency: wire.price.regular.currency.toUpperCase() },
    url: absolute(wire.url, base) ?? `${base}/`,
    ...(absolute(wire.image?.url, base) !== undefined ? { imageUrl: absolute(wire.image?.url, base) } : {}),
    inStock: wire.inventory.isInStock,
    ...(wire.category != null ? { category: wire.category.name } : {})
  })

const score = (p: Product.Product, terms: ReadonlyArray<string>) => {
  const haystack = `${p.name} ${p.sku} ${p.category ?? ""}`.toLowerCase()
  return terms.filter((t) => haystack.includes(t)).length
}

/**
 * A ProductCatalog on an EverShop shop's storefront GraphQL: only what the storefront shows
 * (enabled, visible, in stock unless the shop shows sold-out products), prices in the store's
 * currency, absolute links. Answers are cached for a short while and dropped on change notices.
 */
export const make = (options: EverShopCatalogOptions): Effect.Effect<
  { readonly catalog: ProductCatalog.Service; readonly invalidation: CatalogInvalidation["Type"] },
  never,
  HttpClient.HttpClient
> =>
  Effect.gen(function*() {
    const graphql = yield* EverShopGraphQl.make({ url: options.url, timeout: options.timeout ?? Duration.seconds(5) })
    const base = (options.publicUrl ?? options.url).replace(/\/+$/, "")
    const cache = AnswerCache.make({ ttlMs: Duration.toMillis(options.cacheTtl ?? Duration.seconds(30)) })

    const productsOf = (data: Readonly<Record<string, unknown>>) =>
      Effect.gen(function*() {
        const found: Array<{ readonly product: Product.Product; readonly fullText: boolean }> = []
        const seen = new Set<string>()
        const add = (wire: WireProduct | null, fullText: boolean) => {
          if (wire === null || (wire.status != null && wire.status !== 1)) return
          const product = toProduct(wire, base)
          if (Option.isNone(product) || seen.has(product.value.id)) return
          seen.add(product.value.id)
          found.push({ product: product.value, fullText })
        }
        for (const alias of Object.keys(data)) {
          if (/^id\d+$|^byId$/.test(alias)) add(yield* EverShopGraphQl.field(data, alias, Schema.NullOr(WireProduct)), false)
          else for (const item of (yield* EverShopGraphQl.field(data, alias, WireCollection)).items) add(item, alias === "keyword")
        }
        return found
      })

    const categoryIds = (name: string) =>
      cache.through(`categories:${name.toLowerCase()}`, Effect.gen(function*() {
        const data = yield* graphql.run(categoriesRequest(name.trim()))
        const categories = yield* EverShopGraphQl.field(data, "categories", WireCategories)
        const exact = categories.items.filter((c) => c.name.toLowerCase() === name.trim().toLowerCase())
        return (exact.length > 0 ? exact : categories.items).map((c) => c.categoryId)
      }))

    const search: ProductCatalog.Service["search"] = (_shopId, query, locale) =>
      cache.through(`search:${locale}:${JSON.stringify(query)}`, Effect.gen(function*() {
        const limit = query.limit ?? defaultLimit
        const ids = query.category === undefined ? undefined : yield* categoryIds(query.category)
        if (ids !== undefined && ids.length === 0) return []
        const data = yield* graphql.run(searchRequest(query, ids, Math.min(50, limit * 2 + 5)))
        const terms = termsOf(query.keyword)
        const wanted = query.ids
        return (yield* productsOf(data))
          .filter(({ product }) => !(query.inStockOnly === true && !product.inStock))
          .filter(({ product }) => wanted === undefined || wanted.some((id) => id === product.id || id === product.sku))
          .map((found, index) => ({ ...found, index, score: score(found.product, terms) + (found.fullText ? 0.5 : 0) }))
          .sort((a, b) => b.score - a.score || a.index - b.index)
          .slice(0, limit)
          .map((s) => s.product)
      })).pipe(Effect.withSpan("EverShopCatalog.search"))

    const get: ProductCatalog.Service["get"] = (_shopId, idOrSku, locale) =>
      cache.through(`get:${locale}:${idOrSku}`, Effect.gen(function*() {
        if (idOrSku.trim() === "") return Option.none<Product.Product>()
        const found = yield* productsOf(yield* graphql.run(getRequest(idOrSku.trim())))
        const bySku = found.find((f) => f.product.sku === idOrSku.trim())
        return Option.fromNullable((bySku ?? found[0])?.product)
      })).pipe(Effect.withSpan("EverShopCatalog.get"))

    const invalidation: CatalogInvalidation["Type"] = {
      secret: options.secret ?? Option.none(),
      invalidate: (notice) =>
        Effect.tap(cache.clear, (dropped) =>
          Effect.logDebug(`catalog cache cleared on ${notice.event} (${dropped} answers dropped)`))
    }
    return { catalog: { search, get }, invalidation }
  })

/** The EverShop catalog and its cache's invalidation, as layers. */
export const layer = (options: EverShopCatalogOptions): Layer.Layer<ProductCatalog | CatalogInvalidation, never, HttpClient.HttpClient> =>
  Layer.effectContext(
    Effect.map(make(options), ({ catalog, invalidation }) =>
      Context.make(ProductCatalog, catalog).pipe(Context.add(CatalogInvalidation, invalidation)))
  )
