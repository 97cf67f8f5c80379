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
})
