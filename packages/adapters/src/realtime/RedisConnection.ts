import { Effect, Redacted, Runtime } from "effect"
import type { Redis } from "ioredis"

/** One ioredis connection of the realtime adapters. */
export interface RedisConnectionOptions {
  readonly url: string | Redacted.Redacted
  /** Names the connection in logs and in Redis's `CLIENT LIST`. */
  readonly name: string
  /**
   * Whether commands wait for the connection (a subscriber's SUBSCRIBE must) or fail at once while
   * Redis is away (a publisher's PUBLISH: live events are best effort, and a queue would only grow).
   */
  readonly queueWhileAway: boolean
}

/** The commands the realtime adapters issue without awaiting them; a refusal of one must not go unhandled. */
const guarded = ["publish", "subscribe", "psubscribe", "unsubscribe", "punsubscribe"] as const

/**
 * An ioredis connection for as long as the scope lasts. It reconnects by itself; while Redis is
 * away the process stays up: every error has a listener (one warning per outage, through Effect's
 * logger, and a note when it is back), and the fire-and-forget commands above never leave a
 * rejected promise unhandled (Node would end the process for one). Waits (at most 3 s, also inside
 * an uninterruptible region such as a resource's acquisition) until the connection is ready, so
 * that a healthy Redis is in use before the first event.
 */
export const make = (options: RedisConnectionOptions) =>
  Effect.gen(function*() {
    const url = typeof options.url === "string" ? options.url : Redacted.value(options.url)
    const runtime = yield* Effect.runtime<never>()
    const log = (effect: Effect.Effect<void>) => void Runtime.runFork(runtime)(effect)
    const { Redis } = yield* Effect.promise(() => import("ioredis"))
    const client: Redis = yield* Effect.acquireRelease(
      Effect.sync(() =>
        new Redis(url, {
          connectionName: options.name,
          enableOfflineQueue: options.queueWhileAway,
          maxRetriesPerRequest: options.queueWhileAway ? null : 1,
          lazyConnect: false
        })
      ),
      // QUIT waits for Redis; with Redis away it must not hold the shutdown, and disconnect() stops reconnecting.
      (c) =>
        Effect.promise(() => c.quit().catch(() => "")).pipe(
          Effect.interruptible,
          Effect.timeout("1 second"),
          Effect.ignore,
          Effect.ensuring(Effect.sync(() => c.disconnect()))
        )
    )
    let healthy = true
    client.on("error", (error: Error) => {
      if (!healthy) return
      healthy = false
      log(Effect.logWarning(`redis (${options.name}) connection failed; reconnecting`).pipe(Effect.annotateLogs("error", error.message)))
    })
    client.on("ready", () => {
      if (healthy) return
      healthy = true
      log(Effect.logInfo(`redis (${options.name}) connected again`))
    })
    for (const name of guarded) {
      const command = (client[name] as (...args: Array<unknown>) => Promise<unknown>).bind(client)
      ;(client as any)[name] = (...args: Array<unknown>) => command(...args).catch(() => undefined)
    }
    yield* Effect.async<void>((resume) => {
      if (client.status === "ready") return resume(Effect.void)
      client.once("ready", () => resume(Effect.void))
    }).pipe(Effect.interruptible, Effect.timeout("3 seconds"), Effect.ignore)
    return client
  })
