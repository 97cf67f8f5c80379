import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc, Option, Schema } from "effect"
import { matches, route, type RoutingRequest } from "../src/logic/BotRouting.js"
import { Bot, RoutingCondition, RoutingRule } from "../src/model/Bot.js"
import { BotNotAllowed, NoBotConfigured } from "../src/model/Errors.js"
import { BotId, ShopId } from "../src/model/Ids.js"
import { type Locale, locales } from "../src/model/Locale.js"
import { Shop } from "../src/model/Shop.js"

const id = BotId.make
const bot = (botId: string) => new Bot({ id: id(botId), name: botId, provider: "demo" })
const rule = (botId: string, when: ConstructorParameters<typeof RoutingCondition>[0], priority = 0) =>
  new RoutingRule({ botId: id(botId), priority, when: new RoutingCondition(when) })

const makeShop = (options: {
  readonly bots: ReadonlyArray<string>
  readonly defaultBotId: string
  readonly routingRules?: ReadonlyArray<RoutingRule>
}) =>
  new Shop({
    id: ShopId.make("shop-1"),
    name: "Shop",
    defaultLocale: "en",
    allowedOrigins: [],
    bots: options.bots.map(bot),
    defaultBotId: id(options.defaultBotId),
    routingRules: options.routingRules ?? [],
    retentionDays: Option.none()
  })

const request = (overrides: Partial<RoutingRequest> = {}): RoutingRequest => ({
  requestedBotId: Option.none(),
  locale: "en",
  text: "hello",
  context: {},
  ...overrides
})

describe("BotRouting.route: the requested bot", () => {
  const shop = makeShop({ bots: ["main", "sales"], defaultBotId: "main", routingRules: [rule("main", {}, 9)] })

  it("uses a requested bot the shop allows, over rules and the default", () => {
    expect(route(shop, request({ requestedBotId: Option.some(id("sales")) }))).toEqual(Either.right("sales"))
  })

  it("refuses a requested bot the shop does not allow with BotNotAllowed", () => {
    expect(route(shop, request({ requestedBotId: Option.some(id("other")) }))).toEqual(
      Either.left(new BotNotAllowed({ shopId: "shop-1", botId: "other" }))
    )
  })
})

describe("BotRouting.route: rules", () => {
  const bots = ["main", "zh", "returns", "phones", "p42", "shoes", "es-ship"]
  const routeWith = (rules: ReadonlyArray<RoutingRule>, req: Partial<RoutingRequest>) =>
    route(makeShop({ bots, defaultBotId: "main", routingRules: rules }), request(req))

  it("routes by locale", () => {
    const rules = [rule("zh", { locales: ["zh"] })]
    expect(routeWith(rules, { locale: "zh" })).toEqual(Either.right("zh"))
    expect(routeWith(rules, { locale: "es" })).toEqual(Either.right("main"))
  })

  it("routes by keyword, case-insensitively, for CJK and full-width text too", () => {
    const rules = [rule("returns", { keywords: ["Refund", "退货", "devolución"] }), rule("phones", { keywords: ["iPhone"] })]
    expect(routeWith(rules, { text: "I want a REFUND please" })).toEqual(Either.right("returns"))
    expect(routeWith(rules, { text: "我想退货" })).toEqual(Either.right("returns"))
    expect(routeWith(rules, { text: "¿Cómo pido una DEVOLUCIÓN?" })).toEqual(Either.right("returns"))
    expect(routeWith(rules, { text: "ＩＰＨＯＮＥ 15 多少钱" })).toEqual(Either.right("phones"))
    expect(routeWith(rules, { text: "do you sell laptops?" })).toEqual(Either.right("main"))
  })

  it("routes by path prefix, and not when the page is unknown", () => {
    const rules = [rule("phones", { pathPrefix: "/products/phones" })]
    expect(routeWith(rules, { context: { path: "/products/phones/iphone-15" } })).toEqual(Either.right("phones"))
    expect(routeWith(rules, { context: { path: "/blog/phones" } })).toEqual(Either.right("main"))
    expect(routeWith(rules, { context: {} })).toEqual(Either.right("main"))
  })

  it("routes by product id and by category", () => {
    const rules = [rule("p42", { productIds: ["42", "43"] }), rule("shoes", { categories: ["shoes"] })]
    expect(routeWith(rules, { context: { productId: "43" } })).toEqual(Either.right("p42"))
    expect(routeWith(rules, { context: { productId: "44", category: "shoes" } })).toEqual(Either.right("shoes"))
    expect(routeWith(rules, { context: { category: "Shoes" } })).toEqual(Either.right("main"))
    expect(routeWith(rules, { context: {} })).toEqual(Either.right("main"))
  })

  it("needs every condition a rule gives", () => {
    const rules = [rule("es-ship", { locales: ["es"], keywords: ["envío", "envio"], pathPrefix: "/checkout" })]
    const context = { path: "/checkout/step-2" }
    expect(routeWith(rules, { locale: "es", text: "¿Cuánto cuesta el envío?", context })).toEqual(Either.right("es-ship"))
    expect(routeWith(rules, { locale: "en", text: "envío?", context })).toEqual(Either.right("main"))
    expect(routeWith(rules, { locale: "es", text: "hola", context })).toEqual(Either.right("main"))
    expect(routeWith(rules, { locale: "es", text: "envio", context: { path: "/" } })).toEqual(Either.right("main"))
  })

  it("treats an absent condition and an empty list alike: no constraint", () => {
    const rules = [rule("shoes", { locales: [], keywords: [], productIds: [], categories: [], pathPrefix: "" })]
    expect(routeWith(rules, { locale: "zh", text: "anything" })).toEqual(Either.right("shoes"))
  })

  it("prefers the highest priority, and the earlier rule on a tie", () => {
    const text = "refund for my iPhone"
    expect(
      routeWith([rule("returns", { keywords: ["refund"] }, 1), rule("phones", { keywords: ["iphone"] }, 5)], { text })
    ).toEqual(Either.right("phones"))
    expect(
      routeWith([rule("returns", { keywords: ["refund"] }, 3), rule("phones", { keywords: ["iphone"] }, 3)], { text })
    ).toEqual(Either.right("returns"))
    expect(
      routeWith([rule("phones", { keywords: ["iphone"] }, -1), rule("returns", { keywords: ["refund"] }, -1)], { text })
    ).toEqual(Either.right("phones"))
  })

  it("ignores a rule whose bot the shop does not allow", () => {
    const rules = [rule("gone", { keywords: ["refund"] }, 10), rule("returns", { keywords: ["refund"] }, 1)]
    expect(routeWith(rules, { text: "refund" })).toEqual(Either.right("returns"))
    expect(routeWith([rule("gone", {}, 10)], { text: "refund" })).toEqual(Either.right("main"))
  })
})

describe("BotRouting.route: the default", () => {
  it("answers with NoBotConfigured when the default bot is not one of the shop's bots", () => {
    const shop = makeShop({ bots: ["sales"], defaultBotId: "main" })
    expect(route(shop, request())).toEqual(Either.left(new NoBotConfigured({ shopId: "shop-1" })))
  })

  it("still routes a matching rule when the default is missing", () => {
    const shop = makeShop({ bots: ["sales"], defaultBotId: "main", routingRules: [rule("sales", { keywords: ["buy"] })] })
    expect(route(shop, request({ text: "I want to buy" }))).toEqual(Either.right("sales"))
  })
})

describe("BotRouting properties", () => {
  const pool = ["a", "b", "c", "d", "e"]
  const keywords = ["refund", "退货", "iPhone", "envío", "SHIP"]
  const paths = ["/p", "/products/", "/blog", ""]
  const products = ["1", "2", "3"]
  const categories = ["shoes", "phones"]
  const botId = fc.constantFrom(...pool).map(id)

  const condition = fc.record(
    {
      locales: fc.subarray([...locales]),
      keywords: fc.subarray(keywords),
      pathPrefix: fc.constantFrom(...paths),
      productIds: fc.subarray(products),
      categories: fc.subarray(categories)
    },
    { requiredKeys: [] }
  )
  const shop = fc
    .record({
      bots: fc.subarray(pool),
      defaultBotId: fc.constantFrom(...pool),
      rules: fc.array(
        fc.record({ botId: fc.constantFrom(...pool), when: condition, priority: fc.integer({ min: -3, max: 3 }) }),
        { maxLength: 8 }
      )
    })
    .map(({ bots, defaultBotId, rules }) =>
      makeShop({ bots, defaultBotId, routingRules: rules.map((r) => rule(r.botId, r.when, r.priority)) })
    )
  const routingRequest: fc.Arbitrary<RoutingRequest> = fc.record({
    requestedBotId: fc.option(fc.constantFrom(...pool, "zz").map(id), { nil: undefined }).map(Option.fromNullable),
    locale: fc.constantFrom<Locale>(...locales),
    text: fc
      .array(fc.oneof(fc.constantFrom(...keywords, "refund".toUpperCase(), "hola", "hi", "我想"), fc.string()), { maxLength: 5 })
      .map((parts) => parts.join(" ")),
    context: fc.record(
      {
        path: fc.constantFrom("/p/1", "/products/shoes", "/blog/x", "/"),
        productId: fc.constantFrom(...products, "9"),
        category: fc.constantFrom(...categories, "bags")
      },
      { requiredKeys: [] }
    )
  })
  const allowedIds = (s: Shop): ReadonlyArray<string> => s.bots.map((b) => b.id)
  const options = { fastCheck: { numRuns: 1000 } }

  it.prop("gives an allowed bot or the right typed error", [shop, routingRequest], ([s, req]) => {
    const result = route(s, req)
    if (Either.isRight(result)) {
      expect(allowedIds(s)).toContain(result.right)
    } else if (result.left._tag === "BotNotAllowed") {
      expect(Option.getOrUndefined(req.requestedBotId)).toBe(result.left.botId)
      expect(allowedIds(s)).not.toContain(result.left.botId)
    } else {
      expect(result.left).toBeInstanceOf(NoBotConfigured)
      expect(Option.isNone(req.requestedBotId)).toBe(true)
      expect(allowedIds(s)).not.toContain(s.defaultBotId)
    }
  }, options)

  it.prop("gives the same answer for the same input", [shop, routingRequest], ([s, req]) => {
    const copy = Schema.decodeUnknownSync(Shop)(JSON.parse(JSON.stringify(Schema.encodeSync(Shop)(s))))
    expect(copy).not.toBe(s)
    expect(route(s, req)).toEqual(route(s, req))
    expect(route(copy, { ...req, context: { ...req.context } })).toEqual(route(s, req))
  }, options)

  it.prop("a requested allowed bot always wins", [shop, routingRequest, fc.nat()], ([s, req, pick]) => {
    fc.pre(s.bots.length > 0)
    const wanted = s.bots[pick % s.bots.length]!.id
    expect(route(s, { ...req, requestedBotId: Option.some(wanted) })).toEqual(Either.right(wanted))
  }, options)

  it.prop("without a request, picks the first allowed matching rule of highest priority", [shop, routingRequest], ([s, req]) => {
    const unrequested = { ...req, requestedBotId: Option.none() }
    const candidates = s.routingRules.filter((r) => allowedIds(s).includes(r.botId) && matches(r.when, unrequested))
    const result = route(s, unrequested)
    if (candidates.length === 0) {
      expect(result).toEqual(
        allowedIds(s).includes(s.defaultBotId) ? Either.right(s.defaultBotId) : Either.left(new NoBotConfigured({ shopId: s.id }))
      )
    } else {
      const top = Math.max(...candidates.map((r) => r.priority))
      expect(result).toEqual(Either.right(candidates.find((r) => r.priority === top)!.botId))
    }
  }, options)
})
