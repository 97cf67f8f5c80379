import type { BotEvent, Errors } from "@chatbot-node/domain"
import type { HttpClientError } from "@effect/platform"
import { Chunk, Duration, Effect, Either, Option, Stream } from "effect"
import { type ChatProgress, type Ending, makeTranslator } from "./CozeChatEvents.js"
import * as CozeErrors from "./CozeErrors.js"
import * as CozeSse from "./CozeSse.js"

/** An opened SSE response (see `CozeHttp.sse`). */
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

/**
 * Sends a streamed chat request and reads its response into `BotEvent`s. Each read of the body
 * is decoded, split into SSE events and translated in one step and pushed on as one chunk (the
 * answer deltas of one message in it merged into one). One watchdog per stream fails it when no
 * event came within `first` of the start or within `idle` of the previous event, instead of a
 * timer per read. The stream ends at `done` and fails if the body ends before the chat is over;
 * every failure is logged once, with Coze's log id when there is one.
 */
export const read = (
  open: Effect.Effect<OpenedChat, Errors.BotGatewayError>,
  progress: ChatProgress,
  ctx: { readonly path: string; logId?: string | undefined },
  timeouts: ReadTimeouts
): Stream.Stream<BotEvent.BotEvent, Errors.BotGatewayError> =>
  Stream.asyncPush<BotEvent.BotEvent, Errors.BotGatewayError>((emit) =>
    Effect.gen(function*() {
      const clock = yield* Effect.clock
      const sse = CozeSse.makeParser()
      const translator = makeTranslator(progress, ctx)
      const decoder = new TextDecoder()
      let lastEventAt = clock.unsafeCurrentTimeMillis()
      let first = true
      let over = false

      const end = (error?: Errors.BotGatewayError) => {
        if (over) return
        over = true
        if (error === undefined) emit.end()
        else emit.fail(error)
      }
      const failLogged = (error: Errors.BotGatewayError, logged: Errors.BotGatewayError = error) =>
        Effect.zipRight(CozeErrors.logFailure(logged, ctx), Effect.sync(() => end(error)))
      const failEnding = (e: Ending) => failLogged(e.error, e.logged)

      /** Translates and pushes on what the events come to; the ending to fail with, if the chat failed. */
      const pass = (events: ReadonlyArray<CozeSse.SseEvent>): Ending | undefined => {
        if (over || events.length === 0) return undefined
        lastEventAt = clock.unsafeCurrentTimeMillis()
        first = false
        const translated = translator.push(events)
        if (translated.events.length > 0) emit.array(translated.events)
        if (translated.end === "more") return undefined
        if (translated.end === "done") return void end()
        return translated.end
      }

      const onBytes = (chunk: Chunk.Chunk<Uint8Array>) =>
        Effect.suspend(() => {
          if (over) return Effect.void
          const events: Array<CozeSse.SseEvent> = []
          for (const bytes of chunk) for (const event of sse.feed(decoder.decode(bytes, { stream: true }))) events.push(event)
          const failed = pass(events)
          return failed === undefined ? Effect.void : failEnding(failed)
        })

      const onBodyEnd = Effect.suspend(() => {
        if (over) return Effect.void
        const rest = sse.feed(decoder.decode())
        const last = sse.end()
        if (Either.isLeft(last)) return failLogged(CozeErrors.malformed(last.left.message, ctx))
        const failed = pass([...rest, ...last.right])
        if (failed !== undefined) return failEnding(failed)
        if (over) return Effect.void
        return Option.match(translator.ended(), { onNone: () => Effect.sync(() => end()), onSome: failEnding })
      })

      const reading = open.pipe(
        Effect.flatMap((opened) => {
          ctx.logId = opened.logId
          return Stream.runForEachChunk(opened.body, onBytes).pipe(
            Effect.zipRight(onBodyEnd),
            Effect.catchAll((e) => failLogged(CozeErrors.fromHttpClientError(e, ctx)))
          )
        }),
        // Failures to open were logged where they were read.
        Effect.catchAll((e) => Effect.sync(() => end(e)))
      )

      const watchdog: Effect.Effect<void> = Effect.suspend(() => {
        if (over) return Effect.void
        const left = lastEventAt + Duration.toMillis(first ? timeouts.first : timeouts.idle) - clock.unsafeCurrentTimeMillis()
        return left > 0 ? Effect.zipRight(Effect.sleep(Duration.millis(left)), watchdog) : failLogged(timeouts.onTimeout(first))
      })

      yield* Effect.forkScoped(watchdog)
      yield* Effect.forkScoped(reading)
    })
  )
