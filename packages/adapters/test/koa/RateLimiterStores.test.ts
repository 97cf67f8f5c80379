import { describe, expect, it } from "@effect/vitest"
import { RateLimiter } from "@chatbot-node/adapters/koa"
import { Ids, RateLimitPolicy } from "@chatbot-node/domain"
import { Effect, Option, Redacted } from "effect"

const limits: RateLimitPolicy.RateLimits = { ...RateLimitPolicy.defaults, visitorMessages: { points: 3, windowSeconds: 60 } }

const stores: ReadonlyArray<readonly [string, RateLimiter.RateLimitStore | undefined]> = [
  ["Redis (TEST_REDIS_URL)", process.env.TEST_REDIS_URL ? { _tag: "redis", url: Redacted.make(process.env.TEST_REDIS_URL) } : undefined],
  ["PostgreSQL (TEST_DATABASE_URL)", process.env.TEST_DATABASE_URL ? { _tag: "postgres", url: Redacted.make(process.env.TEST_DATABASE_URL) } : undefined]
]

describe.each(stores)("rate limits shared by several instances through %s", (_name, store) => {
  it.live.skipIf(store === undefined)("counts one visitor's messages across two limiters and refuses the fourth", () =>
    Effect.gen(function*() {
      const a = yield* RateLimiter.make({ limits, store: store! })
      const b = yield* RateLimiter.make({ limits, store: store! })
      const action = { _tag: "message", ip: "127.0.0.1", shopId: "shop", visitorId: `v-${Ids.randomToken()}` } as const
      const [charge] = RateLimitPolicy.chargesFor(limits, action)
      const results = [
        yield* a.consume(charge!),
        yield* b.consume(charge!),
        yield* a.consume(charge!),
        yield* b.consume(charge!)
      ]
      expect(results.slice(0, 3).every(Option.isNone)).toBe(true)
      expect(Option.isSome(results[3]!)).toBe(true)
      expect(Option.getOrThrow(results[3]!)).toBeGreaterThan(0)
      expect(Option.getOrThrow(results[3]!)).toBeLessThanOrEqual(60_000)
    }).pipe(Effect.scoped))

  it.live.skipIf(store === undefined)("admit: this instance refuses past its own count at once; past the shared count, through the shared verdict", () =>
    Effect.gen(function*() {
      const a = yield* RateLimiter.make({ limits, store: store! })
      const b = yield* RateLimiter.make({ limits, store: store! })
      const action = { _tag: "message", ip: "127.0.0.1", shopId: "shop", visitorId: `v-${Ids.randomToken()}` } as const
      const charges = RateLimitPolicy.chargesFor(limits, action)
      // Three messages through instance a: all admitted, locally and in the shared store.
      for (let i = 0; i < 3; i++) {
        const admission = yield* a.admit(charges)
        expect(Option.isNone(admission.local)).toBe(true)
        expect(Option.isNone(yield* admission.shared)).toBe(true)
      }
      // The fourth through a: refused by a's own count, without waiting for the store.
      const fourth = yield* a.admit(charges)
      expect(Option.isSome(fourth.local)).toBe(true)
      // The fourth through b: b's own count knows nothing of a's, the shared count refuses.
      const elsewhere = yield* b.admit(charges)
      expect(Option.isNone(elsewhere.local)).toBe(true)
      const shared = yield* elsewhere.shared
      expect(Option.isSome(shared)).toBe(true)
      expect(Option.getOrThrow(shared)).toBeLessThanOrEqual(60_000)
    }).pipe(Effect.scoped))
})

describe("rate limits of one instance (no shared store)", () => {
  it.live("admit on this process alone (no shared store): its count is the verdict", () =>
    Effect.gen(function*() {
      const a = yield* RateLimiter.make({ limits })
      const charges = RateLimitPolicy.chargesFor(limits, { _tag: "message", ip: "127.0.0.1", shopId: "shop", visitorId: `v-${Ids.randomToken()}` })
      const verdicts = []
      for (let i = 0; i < 4; i++) verdicts.push((yield* a.admit(charges)).local)
      expect(verdicts.map(Option.isSome)).toEqual([false, false, false, true])
    }).pipe(Effect.scoped))
})
