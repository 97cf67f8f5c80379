import { describe, expect, it } from "@effect/vitest"
import { KnownOrigins, OriginPolicy } from "@chatbot-node/adapters/koa"
import { Errors } from "@chatbot-node/domain"
import { Effect } from "effect"

/** A policy whose stored origins the test changes, or makes fail; counts its loads. */
const policy = () => {
  const state = { origins: ["https://shop-a.example"] as ReadonlyArray<string>, failing: false, loads: 0 }
  const runtime = Effect.runSync(Effect.runtime<OriginPolicy.OriginPolicy>().pipe(Effect.provideService(OriginPolicy.OriginPolicy, {
    options: { ownOrigin: "https://chat.example", openWhenUnconfigured: false },
    knownOrigins: Effect.suspend(() => {
      state.loads++
      return state.failing ? Effect.fail(new Errors.StoreError({ operation: "listShops", message: "down" })) : Effect.succeed([...state.origins])
    })
  })))
  return { state, runtime }
}

describe("KnownOrigins", () => {
  it("waits for the first load only, then answers at once and refreshes in the background", async () => {
    const { state, runtime } = policy()
    const origins = KnownOrigins.make(runtime, 0)
    const first = origins.current()
    expect(first).toBeInstanceOf(Promise)
    expect(await first).toEqual(["https://shop-a.example"])
    expect(state.loads).toBe(1)
    state.origins = ["https://shop-a.example", "https://shop-b.example"]
    // Due for a refresh: the last list now, the new one once the refresh is in.
    expect(origins.current()).toEqual(["https://shop-a.example"])
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(origins.current()).toEqual(["https://shop-a.example", "https://shop-b.example"])
  })

  it("keeps the same list when a refresh finds the same origins (the CSP is recomputed only when they change)", async () => {
    const { state, runtime } = policy()
    const origins = KnownOrigins.make(runtime, 0)
    const first = await origins.current()
    origins.current()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(state.loads).toBe(2)
    expect(origins.current()).toBe(first)
  })

  it("keeps the last list when a refresh fails, and none before a load succeeds", async () => {
    const { state, runtime } = policy()
    state.failing = true
    const origins = KnownOrigins.make(runtime, 0)
    expect(await origins.current()).toEqual([])
    state.failing = false
    origins.current()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(origins.current()).toEqual(["https://shop-a.example"])
    state.failing = true
    origins.current()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(origins.current()).toEqual(["https://shop-a.example"])
  })

  it("loads once for requests that arrive together, and not again before refreshMs", async () => {
    const { state, runtime } = policy()
    const origins = KnownOrigins.make(runtime, 60_000)
    await Promise.all([origins.current(), origins.current(), origins.current()])
    for (let i = 0; i < 5; i++) origins.current()
    expect(state.loads).toBe(1)
  })

  it("allows this server's own origin, a listed one (normalised) and no other", () => {
    const origins = KnownOrigins.make(policy().runtime)
    const known = ["https://shop-a.example"]
    expect(origins.allowsAny("https://chat.example", known)).toBe(true)
    expect(origins.allowsAny("HTTPS://Shop-A.example/", known)).toBe(true)
    expect(origins.allowsAny("https://evil.example", known)).toBe(false)
    expect(origins.allowsAny("https://evil.example", ["*"])).toBe(true)
  })
})
