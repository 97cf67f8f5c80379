import type { BotEventSink, Errors } from "@chatbot-node/domain"
import { Duration, Effect, Either, ExecutionStrategy, Exit, Option, Scope } from "effect"
import { type ChatProgress, type Ending, makeTranslator } from "./CozeChatEvents.js"
import * as CozeErrors from "./CozeErrors.js"
import type { SseMessage } from "../sse/SseFrame.js"
import * as SseParser from "../sse/SseParser.js"
import type { BodyRead } from "./ResponseBody.js"

/** Longest wait for the body's end after `done` before the request is aborted. */
const drainLimit = Duration.seconds(1)

/** An opened SSE response (see `CozeHttp.sse`): aborted when the scope it was opened in closes. */
export interface OpenedChat {
  readonly read: BodyRead
  readonly logId: string | undefined
}

/** The two gaps Coze needs told apart: a slow first event (the request included), a silent stall. */
export interface ReadTimeouts {
  readonly first: Duration.Duration
  readonly idle: Duration.Duration
  readonly onTimeout: (first: boolean) => Errors.BotGatewayError
}

/**
 * Sends a streamed chat request and hands its response to `onEvents` as `BotEvent`s. Each read of
 * the body is decoded, split into SSE events and translated in one step (the answer deltas of one
 * message in it merged into one), then handed over before the next read. One watchdog per call,
 * not a timer per read, aborts the request when no event came within `first` of the start or
 * within `idle` of the previous event; the call then fails as a timeout. It ends at `done` and
 * fails if the body ends before the chat is over; every failure of Coze's is logged once, with
 * Coze's log id when there is one. A failure of `onEvents` ends the call as it is.
 */
export const read = <E>(
  open: Effect.Effect<OpenedChat, Errors.BotGatewayError, Scope.Scope>,
  progress: ChatProgress,
  ctx: { readonly path: string; logId?: string | undefined },
  timeouts: ReadTimeouts,
  onEvents: BotEventSink.BotEventSink<E>
): Effect.Effect<void, Errors.BotGatewayError | E> =>
  Effect.scoped(Effect.gen(function*() {
    const clock = yield* Effect.clock
    const sse = SseParser.makeParser()
    const translator = makeTranslator(progress, ctx)
    let lastEventAt = clock.unsafeCurrentTimeMillis()
    let first = true
    let timedOut: Errors.BotGatewayError | undefined

    const request = yield* Scope.fork(yield* Effect.scope, ExecutionStrategy.sequential)
    const watchdog: Effect.Effect<void> = Effect.suspend(() => {
      const left = lastEventAt + Duration.toMillis(first ? timeouts.first : timeouts.idle) - clock.unsafeCurrentTimeMillis()
      if (left > 0) return Effect.zipRight(Effect.sleep(Duration.millis(left)), watchdog)
      timedOut = timeouts.onTimeout(first)
      return Scope.close(request, Exit.void)
    })
    // Interruptible even when the call is run from an uninterruptible region, or its end would wait for the watchdog.
    yield* Effect.forkScoped(Effect.interruptible(watchdog))

    const logged = (error: Errors.BotGatewayError, shown: Errors.BotGatewayError = error) =>
      Effect.zipRight(CozeErrors.logFailure(shown, ctx), Effect.fail(error))
    const failEnding = (e: Ending) => logged(e.error, e.logged)

    /** Translates the events of one read and hands them over; whether the chat goes on. */
    const pass = (events: ReadonlyArray<SseMessage>): Effect.Effect<boolean, Errors.BotGatewayError | E> => {
      if (events.length === 0) return Effect.succeed(true)
      lastEventAt = clock.unsafeCurrentTimeMillis()
      first = false
      const translated = translator.push(events)
      const then = translated.end === "more" ? Effect.succeed(true) : translated.end === "done" ? Effect.succeed(false) : failEnding(translated.end)
      return translated.events.length === 0 ? then : Effect.zipRight(onEvents(translated.events), then)
    }

    const opened = yield* open.pipe(
      Scope.extend(request),
      // Failures to open were logged where they were read; an abort by the watchdog is the timeout.
      Effect.catchAll((e) => (timedOut === undefined ? Effect.fail(e) : logged(timedOut)))
    )
    ctx.logId = opened.logId
    const next = Effect.catchAll(opened.read, (e) => logged(timedOut ?? CozeErrors.fromHttpClientError(e, ctx)))

    // After `done` the body's end follows at once: it is read, so that the connection goes back to
    // undici's pool. Closing the scope first aborts the request, and an aborted connection is closed:
    // the next call would pay a new TCP and TLS handshake with the proxy. A body that goes on is aborted.
    const drain = next.pipe(Effect.repeat({ until: Option.isNone }), Effect.timeout(drainLimit), Effect.ignore)
    for (;;) {
      const pieces = yield* next
      if (Option.isNone(pieces)) break
      const events: Array<SseMessage> = []
      for (const bytes of pieces.value) for (const event of sse.feed(bytes)) events.push(event)
      if (!(yield* pass(events))) return yield* drain
    }
    const last = sse.end()
    if (Either.isLeft(last)) return yield* logged(CozeErrors.malformed(last.left.message, ctx))
    if (yield* pass(last.right)) {
      const ended = translator.ended()
      if (Option.isSome(ended)) return yield* failEnding(ended.value)
    }
  }))
