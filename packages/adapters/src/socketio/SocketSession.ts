import type { Locale } from "@chatbot-node/domain"
import { Cause, Effect, Exit, ExecutionStrategy, FiberSet, Option, Runtime, Scope } from "effect"
import type { Socket } from "socket.io"
import { acknowledged, ackOf, SocketRefusal, type HandlerFailure } from "./SocketAcks.js"
import * as TokenBucket from "./TokenBucket.js"

/**
 * What one connected socket owns: its fibers (run through the application's runtime, interrupted
 * when the socket goes), its rate limit, and the live feeds it follows (one scope per feed).
 */
export interface SocketSession<R> {
  /** Registers an event handler: rate-limited, run as a fiber of the socket, its outcome acknowledged. */
  readonly on: (event: string, handler: (payload: unknown) => Effect.Effect<object, HandlerFailure, R>) => void
  /**
   * Follows a feed while the socket stays (replacing a feed of the same key): `start` subscribes
   * in the feed's own scope (closed when the feed is replaced or dropped, or the socket goes) and
   * may fork work into it; resolves once it has run.
   */
  readonly follow: (key: string, start: Effect.Effect<void, never, Scope.Scope | R>) => Effect.Effect<void, never, R>
  readonly unfollow: (key: string) => Effect.Effect<void>
  readonly follows: (key: string) => boolean
  readonly feedCount: () => number
  readonly locale: () => Locale.Locale
}

/** Session settings. */
export interface SessionOptions {
  readonly rate?: { readonly capacity: number; readonly perSecond: number } | undefined
  /** Feeds a socket may follow at once; the oldest is dropped past this. */
  readonly maxFeeds?: number | undefined
}

export const make = <R>(runtime: Runtime.Runtime<R>, socket: Socket, locale: () => Locale.Locale, options: SessionOptions = {}): SocketSession<R> => {
  // Made on the first event, so that an idle socket costs no scope and no fibers.
  let made: { readonly scope: Scope.CloseableScope; readonly run: <A, E>(effect: Effect.Effect<A, E, R>) => unknown } | undefined
  let closed = false
  const lazy = () => {
    if (made === undefined) {
      const scope = Runtime.runSync(runtime)(Scope.make())
      const run = Runtime.runSync(runtime)(
        FiberSet.make<unknown, unknown>().pipe(Effect.flatMap((set) => FiberSet.runtime(set)<R>()), Scope.extend(scope))
      )
      made = { scope, run }
    }
    return made
  }
  const bucket = TokenBucket.make(options.rate)
  const maxFeeds = options.maxFeeds ?? 20
  const feeds = new Map<string, Scope.CloseableScope>()
  socket.once("disconnect", () => {
    closed = true
    feeds.clear()
    if (made !== undefined) Runtime.runFork(runtime)(Scope.close(made.scope, Exit.void))
  })

  const unfollow = (key: string) =>
    Effect.suspend(() => {
      const feed = feeds.get(key)
      feeds.delete(key)
      return feed === undefined ? Effect.void : Scope.close(feed, Exit.void)
    })

  return {
    on: (event, handler) => {
      socket.on(event, (...args: Array<unknown>) => {
        const ack = ackOf(args)
        const payload = args.length > 0 && typeof args[0] !== "function" ? args[0] : undefined
        const work = bucket.take(Date.now())
          ? Effect.suspend(() => handler(payload))
          : Effect.fail(new SocketRefusal({ code: "rate_limited", message: `Too many events. Wait ${bucket.waitSeconds()} seconds and try again.` }))
        if (!closed) lazy().run(acknowledged(work, ack, locale()))
      })
    },
    follow: (key, start) =>
      Effect.gen(function*() {
        if (closed) return
        yield* unfollow(key)
        if (feeds.size >= maxFeeds) {
          const oldest = feeds.keys().next()
          if (oldest.done !== true) yield* unfollow(oldest.value)
        }
        const feed = yield* Scope.fork(lazy().scope, ExecutionStrategy.sequential)
        feeds.set(key, feed)
        yield* Scope.extend(start, feed)
      }),
    unfollow,
    follows: (key) => feeds.has(key),
    feedCount: () => feeds.size,
    locale
  }
}

/** Wraps an Effect-producing socket middleware: the handshake is accepted or refused with `{code, message}`. */
export const middleware = <R>(runtime: Runtime.Runtime<R>, check: (socket: Socket) => Effect.Effect<void, SocketRefusal, R>) =>
  (socket: Socket, next: (error?: Error) => void) => {
    Runtime.runFork(runtime)(
      check(socket).pipe(
        Effect.matchCauseEffect({
          onSuccess: () => Effect.sync(() => next()),
          onFailure: (cause) =>
            Effect.gen(function*() {
              const failure = Cause.failureOption(cause)
              if (Option.isNone(failure)) yield* Effect.logError("socket handshake failed", cause)
              const refusal = Option.getOrElse(failure, () => new SocketRefusal({ code: "internal", message: "Something went wrong. Please try again." }))
              next(Object.assign(new Error(refusal.message), { data: { code: refusal.code, message: refusal.message } }))
            })
        })
      )
    )
  }
