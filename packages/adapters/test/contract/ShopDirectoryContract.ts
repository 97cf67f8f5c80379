import { Bot, Ids, Shop, ShopDirectory } from "@chatbot-node/domain"
import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { newShopId } from "./fixtures.js"

/** A shop with two bots, a routing rule and a retention setting. */
export const sampleShop = (id: Ids.ShopId = newShopId(), overrides: Partial<Shop.Shop> = {}) =>
  new Shop.Shop({
    id,
    name: "Zapatería Ñandú 鞋店",
    defaultLocale: "es",
    allowedOrigins: ["https://shop.example", "http://localhost:3000"],
    bots: [
      new Bot.Bot({ id: Ids.BotId.make("7412345678901234567"), name: "Ventas", provider: "coze", description: "", published: true }),
      new Bot.Bot({ id: Ids.BotId.make("demo"), name: "Demo", provider: "demo", description: "offline", published: false })
    ],
    defaultBotId: Ids.BotId.make("demo"),
    routingRules: [
      new Bot.RoutingRule({
        botId: Ids.BotId.make("7412345678901234567"),
        priority: 5,
        when: new Bot.RoutingCondition({ locales: ["zh"], keywords: ["鞋", "zapatos"], pathPrefix: "/products" })
      })
    ],
    allowAnonymousUserId: true,
    retentionDays: Option.some(30),
    ...overrides
  })

/**
 * The behaviour every ShopDirectory must have. `directoryLayer` starts with `seeded` (and nothing
 * else) in it.
 */
export const shopDirectoryContract = (
  name: string,
  directoryLayer: Layer.Layer<ShopDirectory, unknown>,
  seeded: ReadonlyArray<Shop.Shop>
) =>
  layer(directoryLayer, { timeout: "120 seconds" })(`ShopDirectory contract: ${name}`, (it) => {
    it.effect("lists the seeded shops by id and reads each back whole", () =>
      Effect.gen(function* () {
        const directory = yield* ShopDirectory
        const sorted = [...seeded].sort((a, b) => (a.id < b.id ? -1 : 1))
        expect((yield* directory.listShops).filter((s) => seeded.some((x) => x.id === s.id))).toEqual(sorted)
        for (const shop of seeded) expect(yield* directory.getShop(shop.id)).toEqual(Option.some(shop))
        expect(yield* directory.getShop(newShopId())).toEqual(Option.none())
      }))

    it.effect("saveShop creates, then replaces, a shop with bots, rules and retention intact", () =>
      Effect.gen(function* () {
        const directory = yield* ShopDirectory
        const shop = sampleShop()
        yield* directory.saveShop(shop)
        expect(yield* directory.getShop(shop.id)).toEqual(Option.some(shop))
        const changed = sampleShop(shop.id, { name: "Renamed", retentionDays: Option.none(), routingRules: [] })
        yield* directory.saveShop(changed)
        expect(yield* directory.getShop(shop.id)).toEqual(Option.some(changed))
        expect((yield* directory.listShops).filter((s) => s.id === shop.id)).toEqual([changed])
      }))
  })
