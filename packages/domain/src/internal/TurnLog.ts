import { Effect, Stream, SubscriptionRef } from "effect"
import type { ChatEvent } from "../model/ChatEvent.js"

/**
 * The events of one running turn, kept so that any number of readers can follow it from any
 * position: a reader that reconnects resumes where it left off, and the producer never waits
 * for a reader.
 */
export interface TurnLog {
  readonly append: (event: ChatEvent) => Effect.Effect<void>
  /** Events from position `from` (0-based) on, each with its position; ends after `done`. */
  readonly follow: (from: number) => Stream.Stream<readonly [number, ChatEvent]>
  readonly isDone: () => boolean
  readonly events: () => ReadonlyArray<ChatEvent>
}

export const makeTurnLog: Effect.Effect<TurnLog> = Effect.gen(function*() {
  const events: Array<ChatEvent> = []
  const size = yield* SubscriptionRef.make(0)
  let done = false
  const append = (event: ChatEvent) =>
    Effect.suspend(() => {
      if (done) return Effect.void
      events.push(event)
      if (event._tag === "done") done = true
      return SubscriptionRef.set(size, events.length)
    })
  const follow = (from: number): Stream.Stream<readonly [number, ChatEvent]> =>
    Stream.suspend(() => {
      const start = Math.max(0, from)
      if (done && start >= events.length) return Stream.empty
      return size.changes.pipe(
        Stream.mapAccum(start, (sent, available) =>
          available <= sent ? [sent, []] : [available, events.slice(sent, available).map((e, i) => [sent + i, e] as const)]
        ),
        Stream.flattenIterables,
        Stream.takeUntil(([, event]) => event._tag === "done")
      )
    })
  return { append, follow, isDone: () => done, events: () => events }
})
