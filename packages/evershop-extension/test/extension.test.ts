import { Product } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Option } from "effect"
import { noticeFor, requestFor } from "../src/lib/ChangeNotice.js"
import { callsOf, fromQueryString, requestsOf } from "../src/lib/Lookup.js"
import { getStatement, searchStatement, toProduct } from "../src/lib/ProductRows.js"
import { makeRateLimit } from "../src/lib/RateLimit.js"
import { readSettings } from "../src/lib/Settings.js"
import { widgetLocale, widgetTag } from "../src/lib/WidgetTag.js"

const row = {
  product_id: 7, uuid: "b1c2", sku: "CUP-001-WHT", price: "15.0000", name: "Ceramic Coffee Cup - White", short_description: "<p>A <b>white</b> cup</p>",
  qty: 100, manage_stock: true, stock_availability: true, origin_image: "/assets/catalog/cup.png", category_name: "Accessories", request_path: "/accessories/ceramic-coffee-cup-white"
}

describe("the extension's look-up rules (domain library embedded)", () => {
  it("reads the bot's arguments from a query string as the domain reads a get_product_list call", () => {
    const lookup = fromQueryString({ keyword: "cup", max_price: "20", in_stock: "true", limit: "3" })
    expect(lookup).toEqual({ _tag: "Search", query: new Product.ProductQuery({ keyword: "cup", maxPrice: 20, inStockOnly: true, limit: 3 }) })
    expect(fromQueryString({ sku: "CUP-001-WHT" })).toEqual({ _tag: "Get", idOrSku: "CUP-001-WHT" })
    expect(fromQueryString({ q: ["cup", "bowl"] })).toMatchObject({ _tag: "Search", query: { keyword: "cup bowl" } })
  })

  it("answers function calls given as JSON or as a model's raw markup; others are left unhandled", () => {
    const markup = `Let me look. <|FunctionCallBegin|>[{"name":"get_product_list","parameters":{"keyword":"cup","max_price":20}},{"name":"get_weather","parameters":{}}]<|FunctionCallEnd|>`
    const requests = requestsOf(callsOf({ text: markup }))
    expect(requests.map((r) => r.name)).toEqual(["get_product_list", "get_weather"])
    expect(Option.getOrThrow(requests[0]!.request)).toEqual({ _tag: "Search", query: new Product.ProductQuery({ keyword: "cup", maxPrice: 20 }) })
    expect(Option.isNone(requests[1]!.request)).toBe(true)
    const detail = requestsOf(callsOf({ calls: [{ name: "shop_plugin-get_product_detail", arguments: { sku: "PEN-002-BLK" } }] }))
    expect(Option.getOrThrow(detail[0]!.request)).toEqual({ _tag: "Get", idOrSku: "PEN-002-BLK" })
  })

  it("builds parameterised SQL with the storefront's rules, any word of the keyword, price, category, stock, ids and limit", () => {
    const s = searchStatement(new Product.ProductQuery({ keyword: "Coffee cup", category: "Acc%", minPrice: 10, maxPrice: 20, inStockOnly: true, ids: ["7", "CUP-001-WHT"], limit: 3 }))
    expect(s.text).toContain("p.status = true")
    expect(s.text).toContain("p.visibility = true")
    expect(s.text).toContain("websearch_to_tsquery('simple', $2)")
    expect(s.text).toContain("(i.manage_stock = false OR (i.qty > 0 AND i.stock_availability = true))")
    expect(s.values).toEqual([["%coffee%", "%cup%"], "coffee or cup", "Acc\\%", 10, 20, ["7", "CUP-001-WHT"], [7], 3])
    expect(s.text).not.toContain("Coffee")
    const plain = searchStatement(new Product.ProductQuery({}))
    expect(plain.values).toEqual([5])
    expect(getStatement("42").values).toEqual(["42", 42])
    expect(getStatement("CUP'; drop table product;--").values).toEqual(["CUP'; drop table product;--", -1])
  })

  it("maps a row to the domain's Product: absolute links, store currency, stock, plain-text description", () => {
    const p = Option.getOrThrow(toProduct(row, { baseUrl: "https://shop.example.com", currency: "usd" }))
    expect(p).toBeInstanceOf(Product.Product)
    expect(p).toMatchObject({
      id: "7", sku: "CUP-001-WHT", name: "Ceramic Coffee Cup - White", description: "A white cup",
      url: "https://shop.example.com/accessories/ceramic-coffee-cup-white", imageUrl: "https://shop.example.com/assets/catalog/cup.png",
      inStock: true, stockQuantity: 100, category: "Accessories"
    })
    expect(p.price).toMatchObject({ amount: 15, currency: "USD" })
    const soldOut = Option.getOrThrow(toProduct({ ...row, qty: 0, request_path: null, origin_image: null }, { baseUrl: "https://s.example/", currency: "EUR" }))
    expect(soldOut).toMatchObject({ inStock: false, stockQuantity: 0, url: "https://s.example/product/b1c2" })
    expect(soldOut.imageUrl).toBeUndefined()
    expect(Option.getOrThrow(toProduct({ ...row, qty: 0, manage_stock: false }, { baseUrl: "https://s.example", currency: "EUR" })).inStock).toBe(true)
    expect(Option.isNone(toProduct({ ...row, price: "-1" }, { baseUrl: "https://s.example", currency: "EUR" }))).toBe(true)
    expect(Option.isNone(toProduct({ sku: 1 }, { baseUrl: "https://s.example", currency: "EUR" }))).toBe(true)
  })

  it("turns EverShop event payloads into change notices sent with the shared secret", () => {
    expect(noticeFor("product_updated", { product_id: 7, sku: "CUP-001-WHT", price: "15" })).toEqual({ event: "product_updated", skus: ["CUP-001-WHT"], productIds: ["7"] })
    expect(noticeFor("inventory_updated", { product_inventory_product_id: 7, qty: 3 })).toEqual({ event: "inventory_updated", skus: [], productIds: ["7"] })
    expect(noticeFor("product_deleted", null)).toEqual({ event: "product_deleted", skus: [], productIds: [] })
    const { url, init } = requestFor("http://chat.example.com/", "0123456789abcdef", { event: "product_deleted", skus: [], productIds: ["7"] })
    expect(url).toBe("http://chat.example.com/api/catalog/invalidate")
    expect(init.headers.authorization).toBe("Bearer 0123456789abcdef")
    expect(JSON.parse(init.body)).toEqual({ event: "product_deleted", skus: [], productIds: ["7"] })
  })

  it("reads settings from config and environment, dropping invalid values with a problem each", () => {
    const read = readSettings({ serverUrl: "http://chat.example.com/", shopId: "my-shop", secret: "short", extra: 1 }, { CHATBOT_LOOKUPS_PER_MINUTE: "30" })
    expect(read.settings).toEqual({ serverUrl: "http://chat.example.com", shopId: "my-shop", lookupsPerMinute: 30 })
    expect(read.problems).toEqual(["chatbot.secret is invalid and ignored"])
    expect(readSettings(undefined, { CHATBOT_SERVER_URL: "javascript:alert(1)" }).settings.serverUrl).toBeUndefined()
    expect(readSettings(undefined, {}).settings).toEqual({ shopId: "default", lookupsPerMinute: 60 })
  })

  it("gives the widget the store's locale when it speaks it, and no tag without a server", () => {
    expect(["en", "es-ES", "zh_CN", "fr", null].map(widgetLocale)).toEqual(["en", "es", "zh", null, null])
    expect(widgetTag("http://chat.example.com/", "s1", "es")).toEqual({ scriptUrl: "http://chat.example.com/widget.js", shopId: "s1", locale: "es", color: null })
    expect(widgetTag(undefined, "s1", "en")).toBeNull()
  })

  it("limits look-ups per client address with a token bucket", () => {
    const limit = makeRateLimit(2)
    expect(limit.take("a", 0).allowed).toBe(true)
    expect(limit.take("a", 0).allowed).toBe(true)
    expect(limit.take("a", 0)).toEqual({ allowed: false, retryAfterSeconds: 30 })
    expect(limit.take("b", 0).allowed).toBe(true)
    expect(limit.take("a", 30_000).allowed).toBe(true)
  })
})
