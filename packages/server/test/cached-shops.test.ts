import { MemoryShopDirectory } from "@chatbot-node/adapters/memory"
import { DemoCatalog } from "@chatbot-node/adapters/catalog/demo"
import { Errors, Ids, Shop, ShopDirectory } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, TestClock } from "effect"
import * as CachedShops from "../src/CachedShops.js"

const shopId = Ids.ShopId.make("cached")

/** A directory that counts its reads and can be made to fail. */
const counting = Effect.gen(function*() {
  const inner = yield* MemoryShopDirectory.make([DemoCatalog.demoShop("cached")])
  const state = { reads: 0, failing: false }
  const service: ShopDirectory.Service = {
    ...inner,
    getShop: (id) => Effect.suspend(() => {
      state.reads++
      return state.failing ? Effect.fail(new Errors.StoreError({ operation: "getShop", message: "down" })) : inner.getShop(id)
    })
  }
  return { state, layer: CachedShops.layer("5 seconds").pipe(Layer.provide(Layer.succeed(ShopDirectory, service))) }
})

describe("CachedShops", () => {
  it.effect("reads a shop once within the TTL, and again after it", () =>
    Effect.gen(function*() {
      const { layer, state } = yield* counting
      yield* Effect.gen(function*() {
        const shops = yield* ShopDirectory
        const first = yield* shops.getShop(shopId)
        yield* shops.getShop(shopId)
        yield* shops.getShop(shopId)
        expect(Option.map(first, (s) => s.name)).toEqual(Option.some("Demo shop"))
        expect(state.reads).toBe(1)
        yield* TestClock.adjust("6 seconds")
        yield* shops.getShop(shopId)
        expect(state.reads).toBe(2)
      }).pipe(Effect.provide(layer))
    }))

  it.effect("serves a shop saved through it at once", () =>
    Effect.gen(function*() {
      const { layer } = yield* counting
      yield* Effect.gen(function*() {
        const shops = yield* ShopDirectory
        const before = Option.getOrThrow(yield* shops.getShop(shopId))
        yield* shops.saveShop(new Shop.Shop({ ...before, name: "Renamed" }))
        expect(Option.map(yield* shops.getShop(shopId), (s) => s.name)).toEqual(Option.some("Renamed"))
      }).pipe(Effect.provide(layer))
    }))

  it.effect("does not keep a failed read", () =>
    Effect.gen(function*() {
      const { layer, state } = yield* counting
      yield* Effect.gen(function*() {
        const shops = yield* ShopDirectory
        state.failing = true
        const failed = yield* Effect.either(shops.getShop(shopId))
        expect(failed._tag).toBe("Left")
        state.failing = false
        expect(Option.isSome(yield* shops.getShop(shopId))).toBe(true)
        expect(state.reads).toBe(2)
      }).pipe(Effect.provide(layer))
    }))
})
