import { Chunk, Effect, Option, Stream } from "effect"
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
  /** Hands the events from position `from` on to `f` as they come, until `done` (what `follow` gives, without a stream's run). */
  readonly forEach: <E>(from: number, f: (position: number, event: ChatEvent) => Effect.Effect<void, E>) => Effect.Effect<void, E>
  /** Like `forEach`, every event that is ready at once in one call (e.g. one write to a socket), each with its position. */
  readonly forEachBatch: <E>(from: number, f: (batch: ReadonlyArray<readonly [number, ChatEvent]>) => Effect.Effect<void, E>) => Effect.Effect<void, E>
  /**
   * Like `forEachBatch` for a writer that does not wait (e.g. a write to a socket's buffer): each
   * event appended while the reader follows is handed to `f` at once, by the append itself, rather
   * than by waking the reader's fiber. `f` must not block; if it throws, the reader dies with it and
   * the producer goes on. Ends after `done`.
   */
  readonly forEachBatchSync: (from: number, f: (batch: ReadonlyArray<readonly [number, ChatEvent]>) => void) => Effect.Effect<void>
  readonly isDone: () => boolean
  readonly events: () => ReadonlyArray<ChatEvent>
}

/**
 * Appends wake the readers waiting at the log's end; a reader takes every event it has not sent
 * yet as one chunk (so a slow reader catches up in one write, and a fast one costs no copy of the log).
 */
export const makeTurnLog: Effect.Effect<TurnLog> = Effect.sync(() => {
  const events: Array<ChatEvent> = []
  let done = false
  let waiters: Array<(effect: Effect.Effect<void>) => void> = []
  /** The synchronous readers (`forEachBatchSync`), called by each append. */
  let writers: Array<() => void> = []
  const wake = () => {
    const woken = waiters
    waiters = []
    for (const resume of woken) resume(Effect.void)
  }
  const append = (event: ChatEvent) =>
    Effect.sync(() => {
      if (done) return
      events.push(event)
      if (event._tag === "done") done = true
      for (const write of writers) write()
      if (waiters.length > 0) wake()
    })
  const nextAppend = Effect.async<void>((resume) => {
    waiters.push(resume)
    return Effect.sync(() => { waiters = waiters.filter((w) => w !== resume) })
  })
  const follow = (from: number): Stream.Stream<readonly [number, ChatEvent]> =>
    Stream.suspend(() => {
      let sent = Math.max(0, from)
      const pull: Effect.Effect<Chunk.Chunk<readonly [number, ChatEvent]>, Option.Option<never>> = Effect.suspend(() => {
        if (sent < events.length) {
          const out = new Array<readonly [number, ChatEvent]>(events.length - sent)
          for (let i = sent; i < events.length; i++) out[i - sent] = [i, events[i]!]
          sent = events.length
          return Effect.succeed(Chunk.unsafeFromArray(out))
        }
        return done ? Effect.fail(Option.none()) : Effect.zipRight(nextAppend, pull)
      })
      return Stream.repeatEffectChunkOption(pull)
    })
  const forEachBatch = <E>(from: number, f: (batch: ReadonlyArray<readonly [number, ChatEvent]>) => Effect.Effect<void, E>): Effect.Effect<void, E> =>
    Effect.suspend(() => {
      let sent = Math.max(0, from)
      const next: Effect.Effect<void, E> = Effect.suspend(() => {
        if (sent < events.length) {
          const batch = batchFrom(sent)
          sent = events.length
          return Effect.zipRight(f(batch), next)
        }
        return done ? Effect.void : Effect.zipRight(nextAppend, next)
      })
      return next
    })
  /** The events from `sent` to the log's end, each with its position. */
  const batchFrom = (sent: number) => {
    const batch = new Array<readonly [number, ChatEvent]>(events.length - sent)
    for (let i = sent; i < events.length; i++) batch[i - sent] = [i, events[i]!]
    return batch
  }
  const forEachBatchSync = (from: number, f: (batch: ReadonlyArray<readonly [number, ChatEvent]>) => void): Effect.Effect<void> =>
    Effect.async<void>((resume) => {
      let sent = Math.max(0, from)
      let failed: { readonly error: unknown } | undefined
      const flush = () => {
        if (sent >= events.length) return
        const batch = batchFrom(sent)
        sent = events.length
        try {
          f(batch)
        } catch (error) {
          failed = { error }
        }
      }
      const write = () => {
        flush()
        if (done || failed !== undefined) {
          writers = writers.filter((w) => w !== write)
          resume(failed === undefined ? Effect.void : Effect.die(failed.error))
        }
      }
      flush()
      if (failed !== undefined) return resume(Effect.die(failed.error))
      if (done) return resume(Effect.void)
      writers = [...writers, write]
      return Effect.sync(() => { writers = writers.filter((w) => w !== write) })
    })
  const forEach = <E>(from: number, f: (position: number, event: ChatEvent) => Effect.Effect<void, E>): Effect.Effect<void, E> =>
    forEachBatch(from, (batch) => Effect.forEach(batch, ([position, event]) => f(position, event), { discard: true }))
  return { append, follow, forEach, forEachBatch, forEachBatchSync, isDone: () => done, events: () => events }
})
