import { type Locale, RateLimitPolicy } from "@chatbot-node/domain"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import type Koa from "koa"
import type pg from "pg"
import { RateLimiterMemory, type RateLimiterAbstract, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible"
import * as PgRateCounts from "./PgRateCounts.js"
import { ApiError } from "./ApiError.js"

/** Where the counters live: this process, Redis (shared by every instance) or PostgreSQL. */
export type RateLimitStore =
  | { readonly _tag: "memory" }
  | { readonly _tag: "redis"; readonly url: Redacted.Redacted<string> }
  | { readonly _tag: "postgres"; readonly url: Redacted.Redacted<string> }

/**
 * Counts limited actions: in memory and Redis with rate-limiter-flexible, in PostgreSQL in its
 * table through batched statements (`PgRateCounts`). The limits are the domain's (`RateLimitPolicy`);
 * a shared store that fails falls back to counting in memory rather than refusing everyone.
 */
export class RateLimiter extends Context.Tag("@chatbot-node/adapters/RateLimiter")<RateLimiter, {
  readonly limits: RateLimitPolicy.RateLimits
  /** Charges one point; `Some(ms)` to wait when the limit is reached. */
  readonly consume: (charge: RateLimitPolicy.Charge) => Effect.Effect<Option.Option<number>>
  /** Charges points in this process's own counters: its verdict, at once. */
  readonly countHere: (charges: ReadonlyArray<RateLimitPolicy.Charge>) => Effect.Effect<Option.Option<number>>
  /**
   * Charges points in the shared counters (Redis, PostgreSQL; one statement on PostgreSQL): the returned
   * effect awaits the store's verdict (none without a shared store), so that the round trip can go
   * on beside other work (e.g. the bot's first moments) until something must be stored.
   */
  readonly countShared: (charges: ReadonlyArray<RateLimitPolicy.Charge>) => Effect.Effect<Effect.Effect<Option.Option<number>>>
  /** `countHere`, then (if it admits) `countShared`: `local` is this process's verdict, `shared` the store's. */
  readonly admit: (charges: ReadonlyArray<RateLimitPolicy.Charge>) => Effect.Effect<Admission>
}>() {}

/** The verdicts of `admit`: `Some(ms)` to wait when a limit is reached. */
export interface Admission {
  readonly local: Option.Option<number>
  readonly shared: Effect.Effect<Option.Option<number>>
}

/** Options of the rate limiter. */
export interface RateLimiterOptions {
  readonly limits?: RateLimitPolicy.RateLimits | undefined
  readonly store?: RateLimitStore | undefined
}

const connect = (store: RateLimitStore) =>
  Effect.gen(function*() {
    switch (store._tag) {
      case "memory":
        return { client: undefined, close: Effect.void }
      case "redis": {
        const { Redis } = yield* Effect.promise(() => import("ioredis"))
        const client = new Redis(Redacted.value(store.url), { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
        client.on("error", () => {})
        // Until Redis is ready every count would go to the per-instance insurance limiter: wait (bounded;
        // this runs as acquireRelease's acquire, which is uninterruptible: without `interruptible` the
        // timeout could not end the wait, and a server started with Redis away never listened).
        yield* Effect.async<void>((resume) => {
          if (client.status === "ready") return resume(Effect.void)
          client.once("ready", () => resume(Effect.void))
        }).pipe(Effect.interruptible, Effect.timeout("3 seconds"), Effect.ignore)
        return { client, close: Effect.asVoid(Effect.promise(() => client.quit().catch(() => ""))) }
      }
      case "postgres": {
        const pg = yield* Effect.promise(() => import("pg"))
        // One connection kept open when idle (counts are batched: one is mostly enough), so that a quiet spell costs no reconnection.
        const client = new pg.default.Pool({ connectionString: Redacted.value(store.url), max: 2, min: 1 })
        client.on("error", () => {})
        // Counts need not outlive a database crash: without waiting for the WAL flush a count's round
        // trip took 134–170 µs instead of 325–354, and the backend's CPU 57 µs instead of 113–123.
        client.on("connect", (c) => {
          c.on("error", () => {})
          c.query("SET synchronous_commit = off").catch(() => undefined)
        })
        // The table rate-limiter-flexible expects, created before the first count (it would otherwise
        // create it lazily and count in memory meanwhile).
        yield* Effect.tryPromise(() =>
          client.query("CREATE TABLE IF NOT EXISTS rate_limits (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)")
        ).pipe(Effect.timeout("3 seconds"), Effect.catchAll((e) => Effect.logWarning("rate limit table not created; counting in memory", e)))
        // end() waits for clients still checked out; a shutdown after the database went away must not hang.
        return { client, close: Effect.promise(() => client.end().catch(() => undefined)).pipe(Effect.interruptible, Effect.timeout("2 seconds"), Effect.ignore) }
      }
    }
  })

/** Builds the limiter; a Redis or PostgreSQL connection lives as long as the scope. */
export const make = (options: RateLimiterOptions = {}) =>
  Effect.gen(function*() {
    const limits = options.limits ?? RateLimitPolicy.defaults
    const store = options.store ?? { _tag: "memory" }
    const { client, close } = yield* Effect.acquireRelease(connect(store), (c) => c.close)
    // PostgreSQL counts are batched (one statement for every charge waiting); expired keys are cleared every five minutes.
    const pgCounts = store._tag === "postgres" && client !== undefined ? PgRateCounts.make(client as pg.Pool) : undefined
    if (pgCounts !== undefined) {
      yield* Effect.promise(() => pgCounts.clearExpired(Date.now() - 3_600_000).catch(() => undefined)).pipe(
        Effect.delay("5 minutes"),
        Effect.forever,
        Effect.forkScoped
      )
    }
    const limiters = new Map<string, { readonly name: string; readonly local: RateLimiterMemory; readonly shared: RateLimiterAbstract; readonly insurance: RateLimiterMemory }>()
    const limiterFor = (charge: RateLimitPolicy.Charge) => {
      const name = `${charge.name}:${charge.limit.points}:${charge.limit.windowSeconds}`
      let limiter = limiters.get(name)
      if (limiter === undefined) {
        const base = { keyPrefix: `rl:${name}`, points: charge.limit.points, duration: charge.limit.windowSeconds }
        const local = new RateLimiterMemory(base)
        const insurance = new RateLimiterMemory(base)
        const shared = store._tag === "redis"
          ? new RateLimiterRedis({ ...base, storeClient: client, insuranceLimiter: insurance })
          : local
        limiter = { name, local, shared, insurance }
        limiters.set(name, limiter)
      }
      return limiter
    }
    const count = (limiter: RateLimiterAbstract, key: string) =>
      limiter.consume(key).then(
        () => Option.none<number>(),
        (refused: unknown) => refused instanceof RateLimiterRes ? Option.some(refused.msBeforeNext) : Option.none<number>()
      )
    /** The shared store's verdict on one charge (this process's count without one); a store that fails falls back to this process's insurance count. */
    const countShared = (charge: RateLimitPolicy.Charge): Promise<Option.Option<number>> => {
      const limiter = limiterFor(charge)
      if (pgCounts === undefined) return count(limiter.shared, charge.key)
      return pgCounts.count({ key: `rl:${limiter.name}:${charge.key}`, durationMs: charge.limit.windowSeconds * 1000 }).then(
        (counted) => counted.points > charge.limit.points ? Option.some(Math.max(0, counted.expiresAt - Date.now())) : Option.none<number>(),
        () => count(limiter.insurance, charge.key)
      )
    }
    /** The longest wait of several verdicts, or none. */
    const longest = (waits: ReadonlyArray<Option.Option<number>>) =>
      waits.reduce((a, b) => (Option.isSome(b) && (Option.isNone(a) || b.value > a.value) ? b : a), Option.none<number>())
    const countHere = (charges: ReadonlyArray<RateLimitPolicy.Charge>) =>
      Effect.promise(() => Promise.all(charges.map((c) => count(limiterFor(c).local, c.key)))).pipe(Effect.map(longest))
    const countSharedAll = (charges: ReadonlyArray<RateLimitPolicy.Charge>) =>
      Effect.sync(() => {
        if (store._tag === "memory" || charges.length === 0) return Effect.succeed(Option.none<number>())
        // Started now, in one tick: batched into one statement on PostgreSQL.
        const pending = Promise.all(charges.map(countShared)).then(longest)
        return Effect.promise(() => pending)
      })
    return RateLimiter.of({
      limits,
      consume: (charge) => Effect.promise(() => countShared(charge)),
      countHere,
      countShared: countSharedAll,
      admit: (charges) =>
        Effect.gen(function*() {
          const local = yield* countHere(charges)
          if (Option.isSome(local)) return { local, shared: Effect.succeed(Option.none<number>()) }
          return { local, shared: yield* countSharedAll(charges) }
        })
    })
  })

/** The limiter as a scoped layer. */
export const layer = (options: RateLimiterOptions = {}): Layer.Layer<RateLimiter> => Layer.scoped(RateLimiter, make(options))

/** The 429 of a reached limit: `Retry-After` set and the refusal in the visitor's language. */
const refused = (ctx: Koa.Context, waitMs: number, locale: Locale.Locale) => {
  ctx.set("Retry-After", String(RateLimitPolicy.retryAfterSeconds(waitMs)))
  ctx.req.resume()
  return new ApiError({ status: 429, code: "rate_limited", message: RateLimitPolicy.refusal(locale, waitMs) })
}

/**
 * Charges an action; past a limit, fails with 429, `Retry-After` set and the refusal in the
 * visitor's language.
 */
export const enforce = (ctx: Koa.Context, action: RateLimitPolicy.Action, locale: Locale.Locale) =>
  Effect.gen(function*() {
    const limiter = yield* RateLimiter
    for (const charge of RateLimitPolicy.chargesFor(limiter.limits, action)) {
      const wait = yield* limiter.consume(charge)
      if (Option.isSome(wait)) return yield* refused(ctx, wait.value, locale)
    }
  })

/** Charges an action in this process's own count only: past it, fails with 429 at once. */
export const admitHere = (ctx: Koa.Context, action: RateLimitPolicy.Action, locale: Locale.Locale) =>
  Effect.gen(function*() {
    const limiter = yield* RateLimiter
    const wait = yield* limiter.countHere(RateLimitPolicy.chargesFor(limiter.limits, action))
    if (Option.isSome(wait)) return yield* refused(ctx, wait.value, locale)
  })

/**
 * Charges actions in the shared count (Redis, PostgreSQL; one statement on PostgreSQL), started now: the
 * effect returned awaits it and fails with the 429 if it refuses.
 */
export const admitShared = (ctx: Koa.Context, actions: ReadonlyArray<RateLimitPolicy.Action>, locale: Locale.Locale) =>
  Effect.gen(function*() {
    const limiter = yield* RateLimiter
    const shared = yield* limiter.countShared(actions.flatMap((action) => RateLimitPolicy.chargesFor(limiter.limits, action)))
    return Effect.flatMap(shared, (wait) => (Option.isSome(wait) ? Effect.fail(refused(ctx, wait.value, locale)) : Effect.void))
  })
