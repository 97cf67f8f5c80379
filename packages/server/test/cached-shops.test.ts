import { MemoryShopDirectory } from "@chatbot-node/adapters/memory"
import { DemoCatalog } from "@chatbot-node/adapters/catalog/demo"
import { Errors, Ids, Shop, ShopDirectory } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Layer, Option, TestClock } from "effect"
import * as CachedShops from "../src/CachedShops.js"

const shopId = Ids.ShopId.make("cached")

/** A directory that counts its reads and can be made to fail. */
const counting = Effect.gen(function*() {
  const inner = yield* MemoryShopDirectory.make([DemoCatalog.demoShop("cached")])
  const state: { reads: number; failing: boolean; gate: Deferred.Deferred<void> | undefined } = { reads: 0, failing: false, gate: undefined }
  const service: ShopDirectory.Service = {
    ...inner,
    getShop: (id) => Effect.suspend(() => {
      state.reads++
      const read = state.failing ? Effect.fail(new Errors.StoreError({ operation: "getShop", message: "down" })) : inner.getShop(id)
      // A gate held shut keeps the read waiting (to show that nobody waits for it).
      return state.gate === undefined ? read : Effect.zipRight(Deferred.await(state.gate), read)
    })
  }
  return { inner, state, layer: CachedShops.layer("5 seconds").pipe(Layer.provide(Layer.succeed(ShopDirectory, service))) }
})

type Counting = Effect.Effect.Success<typeof counting>

/** Runs `test` on the cached directory in front of a counting one. */
const withCachedShops = <A, E>(test: (shops: ShopDirectory.Service, counted: Omit<Counting, "layer">) => Effect.Effect<A, E>) =>
  Effect.flatMap(counting, ({ layer, ...counted }) => Effect.flatMap(ShopDirectory, (shops) => test(shops, counted)).pipe(Effect.provide(layer)))

describe("CachedShops", () => {
  it.effect("reads a shop once while fresh; after that serves the kept one at once and reads it again beside", () =>
    withCachedShops((shops, { inner, state }) =>
      Effect.gen(function*() {
        const first = yield* shops.getShop(shopId)
        yield* shops.getShop(shopId)
        yield* shops.getShop(shopId)
        expect(Option.map(first, (s) => s.name)).toEqual(Option.some("Demo shop"))
        expect(state.reads).toBe(1)
        // Edited elsewhere (another instance): the kept shop is served while the edit is read in the background.
        yield* inner.saveShop(new Shop.Shop({ ...Option.getOrThrow(first), name: "Edited elsewhere" }))
        yield* TestClock.adjust("6 seconds")
        state.gate = yield* Deferred.make<void>()
        const stale = yield* shops.getShop(shopId)
        expect(Option.map(stale, (s) => s.name)).toEqual(Option.some("Demo shop"))
        yield* Deferred.succeed(state.gate, undefined)
        yield* Effect.yieldNow().pipe(Effect.repeatN(20))
        expect(state.reads).toBe(2)
        expect(Option.map(yield* shops.getShop(shopId), (s) => s.name)).toEqual(Option.some("Edited elsewhere"))
        expect(state.reads).toBe(2)
      })))

  it.effect("a background read that fails keeps the shop; past the longest staleness a request waits for the read", () =>
    withCachedShops((shops, { state }) =>
      Effect.gen(function*() {
        yield* shops.getShop(shopId)
        yield* TestClock.adjust("6 seconds")
        state.failing = true
        expect(Option.isSome(yield* shops.getShop(shopId))).toBe(true)
        yield* Effect.yieldNow().pipe(Effect.repeatN(20))
        expect(state.reads).toBe(2)
        expect(Option.isSome(yield* shops.getShop(shopId))).toBe(true)
        // Past five minutes nothing kept is served: the read's failure reaches the request.
        yield* TestClock.adjust("6 minutes")
        expect((yield* Effect.either(shops.getShop(shopId)))._tag).toBe("Left")
      })))

  it.effect("serves a shop saved through it at once", () =>
    withCachedShops((shops) =>
      Effect.gen(function*() {
        const before = Option.getOrThrow(yield* shops.getShop(shopId))
        yield* shops.saveShop(new Shop.Shop({ ...before, name: "Renamed" }))
        expect(Option.map(yield* shops.getShop(shopId), (s) => s.name)).toEqual(Option.some("Renamed"))
      })))

  it.effect("does not keep a failed read", () =>
    withCachedShops((shops, { state }) =>
      Effect.gen(function*() {
        state.failing = true
        const failed = yield* Effect.either(shops.getShop(shopId))
        expect(failed._tag).toBe("Left")
        state.failing = false
        expect(Option.isSome(yield* shops.getShop(shopId))).toBe(true)
        expect(state.reads).toBe(2)
      })))
})
