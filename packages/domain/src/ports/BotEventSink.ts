import { Chunk, Effect, Stream } from "effect"
import type { BotEvent } from "../model/BotEvent.js"

/**
 * Takes a bot call's events batch by batch, as a `BotGateway` hands them over: a batch is what
 * arrived together (one read of the platform's stream). The call waits for it before reading on.
 */
export type BotEventSink<E> = (events: ReadonlyArray<BotEvent>) => Effect.Effect<void, E>

/** Hands a stream's events to `onEvents` chunk by chunk: how a gateway that produces a `Stream` runs a call. */
export const runStream = <E, E2>(stream: Stream.Stream<BotEvent, E>, onEvents: BotEventSink<E2>): Effect.Effect<void, E | E2> =>
  Stream.runForEachChunk(stream, (chunk) => onEvents(Chunk.toReadonlyArray(chunk)))

/**
 * A gateway call as a `Stream` of its events, for callers that want one (scripts, tests): the call
 * starts when the stream is read and stops when the reader does.
 */
export const toStream = <E>(run: (onEvents: BotEventSink<never>) => Effect.Effect<void, E>): Stream.Stream<BotEvent, E> =>
  Stream.asyncScoped<BotEvent, E>((emit) =>
    Effect.forkScoped(
      run((events) => Effect.asVoid(Effect.promise(() => emit.chunk(Chunk.fromIterable(events))))).pipe(
        Effect.matchCauseEffect({
          onSuccess: () => Effect.promise(() => emit.end()),
          onFailure: (cause) => Effect.promise(() => emit.halt(cause))
        })
      )
    )
  )
