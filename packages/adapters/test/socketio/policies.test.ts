import { Shop, ShopOrigins } from "@chatbot-node/domain"
import { DemoCatalog } from "@chatbot-node/adapters/catalog/demo"
import { TokenBucket } from "@chatbot-node/adapters/socketio"
import { describe, expect, it } from "@effect/vitest"

describe("TokenBucket", () => {
  it("lets a burst through, refuses past it, and refills with time", () => {
    const bucket = TokenBucket.make({ capacity: 3, perSecond: 2 })
    expect([0, 0, 0, 0].map((t) => bucket.take(t))).toEqual([true, true, true, false])
    expect(bucket.waitSeconds()).toBe(1)
    expect(bucket.take(400)).toBe(false)
    expect(bucket.take(600)).toBe(true)
    expect(bucket.take(10_000)).toBe(true)
    expect([bucket.take(10_000), bucket.take(10_000), bucket.take(10_000)]).toEqual([true, true, false])
  })
})

describe("ShopOrigins (the domain rule the HTTP and socket adapters share)", () => {
  const strict = new Shop.Shop({ ...DemoCatalog.demoShop("s"), allowedOrigins: ["https://shop.example/"] })
  const open = DemoCatalog.demoShop("o")
  const dev = { ownOrigin: "http://localhost:3000", openWhenUnconfigured: true }
  const prod = { ownOrigin: "https://chat.example", openWhenUnconfigured: false }

  it("accepts the shop's own origins (case and trailing slash aside), this server's, and clients without an Origin", () => {
    expect(ShopOrigins.allows(strict, "https://SHOP.example", prod)).toBe(true)
    expect(ShopOrigins.allows(strict, "https://chat.example", prod)).toBe(true)
    expect(ShopOrigins.allows(strict, undefined, prod)).toBe(true)
  })

  it("refuses a foreign origin; a shop listing none is open only when configured so (development)", () => {
    expect(ShopOrigins.allows(strict, "https://evil.example", dev)).toBe(false)
    expect(ShopOrigins.allows(strict, "https://shop.example.evil.example", prod)).toBe(false)
    expect(ShopOrigins.allows(open, "https://anything.example", dev)).toBe(true)
    expect(ShopOrigins.allows(open, "https://anything.example", prod)).toBe(false)
    expect(ShopOrigins.allows(new Shop.Shop({ ...open, allowedOrigins: ["*"] }), "https://x.example", prod)).toBe(true)
  })
})
