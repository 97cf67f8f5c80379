import { describe, expect, it } from "@effect/vitest"
import { RateLimiter } from "@chatbot-node/adapters/koa"
import { Ids, RateLimitPolicy } from "@chatbot-node/domain"
import { Effect, Option, Redacted } from "effect"
import pg from "pg"
import { countsOf, make } from "../../src/koa/PgRateCounts.js"

describe("a batch's rate counts", () => {
  it("counts the charges of one key in the order they came, the last reaching the key's total", () => {
    const charges = [{ key: "a", durationMs: 1000 }, { key: "b", durationMs: 1000 }, { key: "a", durationMs: 1000 }, { key: "a", durationMs: 1000 }]
    const totals = new Map([["a", { points: 7, expiresAt: 50 }], ["b", { points: 1, expiresAt: 60 }]])
    expect(countsOf(charges, totals)).toEqual([
      { points: 5, expiresAt: 50 },
      { points: 1, expiresAt: 60 },
      { points: 6, expiresAt: 50 },
      { points: 7, expiresAt: 50 }
    ])
  })

  it("leaves a charge whose key the statement did not answer without a count", () => {
    expect(countsOf([{ key: "x", durationMs: 1 }], new Map())).toEqual([undefined])
  })
})

const url = process.env.TEST_DATABASE_URL

describe.skipIf(url === undefined)("rate counts in PostgreSQL (TEST_DATABASE_URL)", () => {
  const withPool = <A>(f: (pool: pg.Pool) => Promise<A>) =>
    Effect.acquireUseRelease(
      Effect.promise(async () => {
        const pool = new pg.Pool({ connectionString: url, max: 2 })
        await pool.query("CREATE TABLE IF NOT EXISTS rate_limits (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)")
        return pool
      }),
      (pool) => Effect.promise(() => f(pool)),
      (pool) => Effect.promise(() => pool.end())
    )

  /** Calls `record` with each statement the pool is asked to run, before it runs. */
  const onStatement = (pool: pg.Pool, record: (text: string) => void) => {
    const query = pool.query.bind(pool) as (q: { text: string }) => Promise<unknown>
    ;(pool as unknown as { query: typeof query }).query = (q) => { record(q.text); return query(q) }
  }

  it.live("sends the charges made together, whatever their keys, as one statement, and counts each", () =>
    withPool(async (pool) => {
      const counts = make(pool)
      const statements: Array<string> = []
      onStatement(pool, (text) => statements.push(text))
      const visitor = `rl:test:${Ids.randomToken()}`
      const ip = `rl:test-ip:${Ids.randomToken()}`
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => counts.count({ key: i % 2 === 0 ? visitor : ip, durationMs: 60_000 })))
      expect(statements).toHaveLength(1)
      expect(results.filter((_, i) => i % 2 === 0).map((r) => r.points)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
      expect(results.filter((_, i) => i % 2 === 1).map((r) => r.points)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
      expect(results[0]!.expiresAt).toBeGreaterThan(Date.now() + 50_000)
      // The next batch goes on from the stored count.
      expect((await counts.count({ key: visitor, durationMs: 60_000 })).points).toBe(11)
      expect(statements).toHaveLength(2)
    }))

  it.live("waits for the end of the event loop's turn: charges a few ticks apart go together, and work begun meanwhile goes first", () =>
    withPool(async (pool) => {
      const counts = make(pool)
      const order: Array<string> = []
      onStatement(pool, () => order.push("statement"))
      const key = `rl:test:${Ids.randomToken()}`
      // As two requests handled in one turn do: each charges, then goes on (e.g. to call the bot) a few ticks later.
      const first = counts.count({ key, durationMs: 60_000 })
      await Promise.resolve()
      await Promise.resolve()
      order.push("other work")
      const second = counts.count({ key, durationMs: 60_000 })
      expect((await Promise.all([first, second])).map((c) => c.points)).toEqual([1, 2])
      expect(order).toEqual(["other work", "statement"])
    }))

  it.live("is sent after the immediates queued in the same turn (an HTTP client's request written from one goes first)", () =>
    withPool(async (pool) => {
      const counts = make(pool)
      const order: Array<string> = []
      onStatement(pool, () => order.push("statement"))
      // As a message does: its count starts, then its call to the bot, which undici writes from an immediate.
      const counted = counts.count({ key: `rl:test:${Ids.randomToken()}`, durationMs: 60_000 })
      await Promise.resolve()
      setImmediate(() => order.push("request written"))
      expect((await counted).points).toBe(1)
      expect(order).toEqual(["request written", "statement"])
    }))

  it.live("restarts a key's window once it has ended", () =>
    withPool(async (pool) => {
      const counts = make(pool)
      const key = `rl:test:${Ids.randomToken()}`
      await counts.count({ key, durationMs: 1 })
      await new Promise((resolve) => setTimeout(resolve, 5))
      const again = await counts.count({ key, durationMs: 60_000 })
      expect(again.points).toBe(1)
      expect(again.expiresAt).toBeGreaterThan(Date.now() + 50_000)
    }))

  it.live("two instances charging one visitor at once admit exactly the limit between them", () =>
    Effect.gen(function*() {
      const limits: RateLimitPolicy.RateLimits = { ...RateLimitPolicy.defaults, visitorMessages: { points: 15, windowSeconds: 60 } }
      const store = { _tag: "postgres", url: Redacted.make(url!) } as const
      const a = yield* RateLimiter.make({ limits, store })
      const b = yield* RateLimiter.make({ limits, store })
      const [charge] = RateLimitPolicy.chargesFor(limits, { _tag: "message", ip: "127.0.0.1", shopId: "shop", visitorId: `v-${Ids.randomToken()}` })
      const verdicts = yield* Effect.all(Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? a : b).consume(charge!)), { concurrency: "unbounded" })
      expect(verdicts.filter(Option.isNone)).toHaveLength(15)
      for (const refused of verdicts.filter(Option.isSome)) expect(refused.value).toBeLessThanOrEqual(60_000)
    }).pipe(Effect.scoped))
})

describe("rate counts when PostgreSQL is away", () => {
  it.live("a limiter whose database does not answer counts in this process's insurance counters instead", () =>
    Effect.gen(function*() {
      const limits: RateLimitPolicy.RateLimits = { ...RateLimitPolicy.defaults, visitorMessages: { points: 2, windowSeconds: 60 } }
      const limiter = yield* RateLimiter.make({ limits, store: { _tag: "postgres", url: Redacted.make("postgres://postgres@127.0.0.1:1/none") } })
      const [charge] = RateLimitPolicy.chargesFor(limits, { _tag: "message", ip: "127.0.0.1", shopId: "shop", visitorId: "v-away" })
      const verdicts = [yield* limiter.consume(charge!), yield* limiter.consume(charge!), yield* limiter.consume(charge!)]
      expect(verdicts.map(Option.isSome)).toEqual([false, false, true])
    }).pipe(Effect.scoped))
})
