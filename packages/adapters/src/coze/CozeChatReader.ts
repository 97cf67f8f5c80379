import type { BotEvent, Errors } from "@chatbot-node/domain"
import type { HttpClientError } from "@effect/platform"
import { Cause, Channel, Chunk, Duration, Effect, Either, ExecutionStrategy, Exit, Option, Scope, Stream } from "effect"
import { type ChatProgress, type Ending, makeTranslator } from "./CozeChatEvents.js"
import * as CozeErrors from "./CozeErrors.js"
import * as CozeSse from "./CozeSse.js"

/** An opened SSE response (see `CozeHttp.sse`): aborted when the scope it was opened in closes. */
export interface OpenedChat {
  readonly body: Stream.Stream<Uint8Array, HttpClientError.ResponseError>
  readonly logId: string | undefined
}

/** The two gaps Coze needs told apart: a slow first event (the request included), a silent stall. */
export interface ReadTimeouts {
  readonly first: Duration.Duration
  readonly idle: Duration.Duration
  readonly onTimeout: (first: boolean) => Errors.BotGatewayError
}

type Event = BotEvent.BotEvent
type Loop = Channel.Channel<Chunk.Chunk<Event>, Chunk.Chunk<Uint8Array>, Errors.BotGatewayError, HttpClientError.ResponseError, unknown, unknown>

/**
 * Sends a streamed chat request and reads its response into `BotEvent`s. Each read of the body
 * is decoded, split into SSE events and translated in one step (the answer deltas of one message
 * in it merged into one). One watchdog per stream, not a timer per read, aborts the request when
 * no event came within `first` of the start or within `idle` of the previous event; the stream
 * then fails as a timeout. It ends at `done` and fails if the body ends before the chat is over;
 * every failure is logged once, with Coze's log id when there is one.
 */
export const read = (
  open: Effect.Effect<OpenedChat, Errors.BotGatewayError, Scope.Scope>,
  progress: ChatProgress,
  ctx: { readonly path: string; logId?: string | undefined },
  timeouts: ReadTimeouts
): Stream.Stream<Event, Errors.BotGatewayError> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const clock = yield* Effect.clock
    const sse = CozeSse.makeParser()
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
    // Interruptible even when the stream is run from an uninterruptible region, or its end would wait for the watchdog.
    yield* Effect.forkScoped(Effect.interruptible(watchdog))

    const logged = (error: Errors.BotGatewayError, shown: Errors.BotGatewayError = error) =>
      Effect.zipRight(CozeErrors.logFailure(shown, ctx), Effect.fail(error))
    const failEnding = (e: Ending) => Channel.fromEffect(logged(e.error, e.logged))
    const end = Channel.suspend(() => Option.match(translator.ended(), { onNone: () => Channel.void, onSome: failEnding }))

    /** Translates the events of one read; what comes next: more reads, the end, or a failure. */
    const pass = (events: ReadonlyArray<CozeSse.SseEvent>, next: Loop): Loop => {
      if (events.length === 0) return next
      lastEventAt = clock.unsafeCurrentTimeMillis()
      first = false
      const translated = translator.push(events)
      const then = translated.end === "more" ? next : translated.end === "done" ? Channel.void : failEnding(translated.end)
      return translated.events.length === 0 ? then : Channel.zipRight(Channel.write(Chunk.unsafeFromArray(translated.events)), then)
    }

    const loop: Loop = Channel.readWithCause({
      onInput: (chunk: Chunk.Chunk<Uint8Array>) => {
        const events: Array<CozeSse.SseEvent> = []
        for (const bytes of chunk) for (const event of sse.feed(bytes)) events.push(event)
        return pass(events, loop)
      },
      onFailure: (cause) =>
        Channel.fromEffect(Option.match(Cause.failureOption(cause), {
          onNone: () => Effect.failCause(cause as Cause.Cause<never>),
          onSome: (e) => logged(timedOut ?? CozeErrors.fromHttpClientError(e, ctx))
        })),
      onDone: () => {
        const last = sse.end()
        if (Either.isLeft(last)) return Channel.fromEffect(logged(CozeErrors.malformed(last.left.message, ctx)))
        return pass(last.right, end)
      }
    })

    const opened = yield* open.pipe(
      Scope.extend(request),
      // Failures to open were logged where they were read; an abort by the watchdog is the timeout.
      Effect.catchAll((e) => (timedOut === undefined ? Effect.fail(e) : logged(timedOut)))
    )
    ctx.logId = opened.logId
    return Stream.pipeThroughChannel(opened.body, loop)
  }))
