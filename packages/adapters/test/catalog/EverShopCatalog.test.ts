import { Ids, Product, ProductCatalog } from "@chatbot-node/domain"
import { CatalogInvalidation, EverShopCatalog } from "@chatbot-node/adapters/catalog/evershop"
import { UndiciHttpClient } from "@chatbot-node/adapters/http"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { start, type EverShopStandIn } from "./EverShopStandIn.js"

const shop = Ids.ShopId.make("shop")

/** Runs `body` with a fresh stand-in and the adapter pointed at it. */
const withShop = <A, E>(
  body: (s: EverShopStandIn) => Effect.Effect<A, E, ProductCatalog | CatalogInvalidation.CatalogInvalidation>,
  options: Partial<EverShopCatalog.EverShopCatalogOptions> = {}
) =>
  Effect.scoped(Effect.gen(function*() {
    const standIn = yield* start
    const layer = EverShopCatalog.layer({ url: standIn.url, cacheTtl: 0, timeout: "1 second", ...options }).pipe(Layer.provide(UndiciHttpClient.layer))
    return yield* Effect.provide(body(standIn), layer)
  }))

const search = (query: ConstructorParameters<typeof Product.ProductQuery>[0]) =>
  Effect.flatMap(ProductCatalog, (c) => c.search(shop, new Product.ProductQuery(query), "en"))
const get = (idOrSku: string) => Effect.flatMap(ProductCatalog, (c) => c.get(shop, idOrSku, "en"))

describe("EverShopCatalog against a stand-in storefront GraphQL over HTTP", () => {
  it.effect("finds products by keyword with name, price + currency, absolute links and image, stock and category", () =>
    withShop((s) =>
      Effect.gen(function*() {
        const found = yield* search({ keyword: "cup" })
        expect(found.map((p) => p.sku).sort()).toEqual(["CUP-001-BLK", "CUP-001-WHT", "CUPS-SET"])
        const white = found.find((p) => p.sku === "CUP-001-WHT")!
        expect(white).toBeInstanceOf(Product.Product)
        expect(white.id).toBe("1")
        expect(white.name).toBe("Ceramic Coffee Cup - White")
        expect(white.price.amount).toBe(15)
        expect(white.price.currency).toBe("USD")
        expect(white.url).toBe(`${s.url}/ceramic-coffee-cup-white`)
        expect(white.imageUrl).toBe(`${s.url}/assets/catalog/cup-white.png`)
        expect(white.inStock).toBe(true)
        expect(white.category).toBe("Kitchen")
        expect(s.requests).toHaveLength(1)
      })))

  it.effect("ranks products matching more of the words first, and links to the public URL when given", () =>
    withShop((s) =>
      Effect.gen(function*() {
        const found = yield* search({ keyword: "black coffee cup" })
        expect(found[0]!.sku).toBe("CUP-001-BLK")
        expect(found[0]!.url).toBe("https://shop.example.com/ceramic-coffee-cup-black")
        expect(s.requests[0]!.query).toContain("keyword")
      }), { publicUrl: "https://shop.example.com/" }))

  it.effect("filters by price range, category name and stock, and honours the limit", () =>
    withShop((s) =>
      Effect.gen(function*() {
        expect((yield* search({ maxPrice: 14 })).map((p) => p.sku)).toEqual(["PEN-002-WHT"])
        expect((yield* search({ minPrice: 20, maxPrice: 40 })).map((p) => p.sku).sort()).toEqual(["CUPS-SET", "THERMO-005-BLK"])
        expect((yield* search({ category: "office" })).map((p) => p.sku)).toEqual(["PEN-002-WHT"])
        expect((yield* search({ category: "kitchen", keyword: "thermos" })).map((p) => p.sku)).toEqual(["THERMO-005-BLK"])
        expect(yield* search({ category: "garden" })).toEqual([])
        expect((yield* search({ keyword: "thermos", inStockOnly: true }))).toEqual([])
        expect((yield* search({ keyword: "thermos" }))[0]!.inStock).toBe(false)
        expect(yield* search({ limit: 2 })).toHaveLength(2)
        s.showOutOfStock = false
        expect((yield* search({ minPrice: 20 })).map((p) => p.sku)).toEqual(["CUPS-SET"])
      })))

  it.effect("never shows disabled products, and finds products by sku or id list", () =>
    withShop(() =>
      Effect.gen(function*() {
        expect(yield* search({ keyword: "vase" })).toEqual([])
        expect((yield* search({ ids: ["PEN-002-WHT", "2", "5"] })).map((p) => p.sku).sort()).toEqual(["CUP-001-BLK", "PEN-002-WHT"])
      })))

  it.effect("gets a product by sku or by id; none for unknown or disabled ones", () =>
    withShop(() =>
      Effect.gen(function*() {
        expect(Option.map(yield* get("PEN-002-WHT"), (p) => p.name)).toEqual(Option.some("Desk Pen Holder - White"))
        expect(Option.map(yield* get("2"), (p) => p.sku)).toEqual(Option.some("CUP-001-BLK"))
        expect(yield* get("NOPE")).toEqual(Option.none())
        expect(yield* get("5")).toEqual(Option.none())
        expect(yield* get("")).toEqual(Option.none())
      })))

  it.effect("keeps answers for the cache's lifetime and drops them on a change notice", () =>
    withShop((s) =>
      Effect.gen(function*() {
        yield* search({ keyword: "cup" })
        yield* search({ keyword: "cup" })
        yield* get("PEN-002-WHT")
        yield* get("PEN-002-WHT")
        expect(s.requests).toHaveLength(2)
        s.products = s.products.map((p) => (p.sku === "CUP-001-WHT" ? { ...p, price: 11 } : p))
        expect((yield* search({ keyword: "cup" })).find((p) => p.sku === "CUP-001-WHT")!.price.amount).toBe(15)
        const invalidation = yield* CatalogInvalidation.CatalogInvalidation
        expect(Option.map(invalidation.secret, Redacted.value)).toEqual(Option.some("s3cret"))
        expect(yield* invalidation.invalidate({ event: "product_updated", skus: ["CUP-001-WHT"], productIds: ["1"] })).toBe(2)
        expect((yield* search({ keyword: "cup" })).find((p) => p.sku === "CUP-001-WHT")!.price.amount).toBe(11)
        expect(s.requests).toHaveLength(3)
      }), { cacheTtl: "1 minute", secret: Option.some(Redacted.make("s3cret")) }))

  it.effect("does not cache failures", () =>
    withShop((s) =>
      Effect.gen(function*() {
        s.fault = "http500"
        expect((yield* Effect.flip(search({ keyword: "cup" })))._tag).toBe("CatalogError")
        s.fault = "none"
        expect(yield* search({ keyword: "cup" })).toHaveLength(3)
      }), { cacheTtl: "1 minute" }))

  it.live("maps every failure to CatalogError: HTTP 500, GraphQL errors, a non-JSON body, a wrong shape, a timeout", () =>
    withShop((s) =>
      Effect.gen(function*() {
        const cases: ReadonlyArray<[EverShopStandIn["fault"], RegExp]> = [
          ["http500", /answered 500/],
          ["graphqlError", /Cannot query field/],
          ["notJson", /without JSON/],
          ["badShape", /unexpected "keyword"/],
          ["slow", /did not answer in time/]
        ]
        for (const [fault, message] of cases) {
          s.fault = fault
          const error = yield* Effect.flip(search({ keyword: "cup" }))
          expect(error._tag).toBe("CatalogError")
          expect(error.message).toMatch(message)
        }
      })))

  it.live("fails with CatalogError when the shop is unreachable", () =>
    Effect.gen(function*() {
      const layer = EverShopCatalog.layer({ url: "http://127.0.0.1:9", cacheTtl: 0 }).pipe(Layer.provide(UndiciHttpClient.layer))
      const error = yield* Effect.flip(Effect.provide(search({ keyword: "cup" }), layer))
      expect(error._tag).toBe("CatalogError")
      expect(error.message).toMatch(/unreachable/)
    }))
})
