import { describe, expect, it } from "@effect/vitest"
import { ChatEvent, Ids } from "@chatbot-node/domain"
import { Cause, Chunk, Effect, Exit, Fiber, FastCheck, Option, Stream } from "effect"
import { makeTurnLog } from "../src/internal/TurnLog.js"

const replyId = Ids.MessageId.make("rrrrrrrrrrrrrrrrrrrrrr")
const conversationId = Ids.ConversationId.make("cccccccccccccccccccccc")
const delta = (i: number) => new ChatEvent.Delta({ replyId, text: `t${i}` })
const done = new ChatEvent.Done({ conversationId, replyId: Option.some(replyId), status: "complete" })
const collect = <A>(stream: Stream.Stream<A>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
/** What `forEach` hands over from `from` on, collected. */
const handed = (log: Effect.Effect.Success<typeof makeTurnLog>, from: number) =>
  Effect.suspend(() => {
    const out: Array<readonly [number, ChatEvent.ChatEvent]> = []
    return Effect.as(log.forEach(from, (position, event) => Effect.sync(() => { out.push([position, event]) })), out as ReadonlyArray<readonly [number, ChatEvent.ChatEvent]>)
  })

/** What `forEachBatch` hands over from `from` on, flattened; an empty batch fails it. */
const batched = (log: Effect.Effect.Success<typeof makeTurnLog>, from: number) =>
  Effect.suspend(() => {
    const out: Array<readonly [number, ChatEvent.ChatEvent]> = []
    return Effect.as(
      log.forEachBatch(from, (batch) => (batch.length === 0 ? Effect.die("an empty batch") : Effect.sync(() => { out.push(...batch) }))),
      out as ReadonlyArray<readonly [number, ChatEvent.ChatEvent]>
    )
  })

/** What `forEachBatchSync` hands over from `from` on, flattened; an empty batch kills it. */
const written = (log: Effect.Effect.Success<typeof makeTurnLog>, from: number) =>
  Effect.suspend(() => {
    const out: Array<readonly [number, ChatEvent.ChatEvent]> = []
    return Effect.as(
      log.forEachBatchSync(from, (batch) => {
        if (batch.length === 0) throw new Error("an empty batch")
        out.push(...batch)
      }),
      out as ReadonlyArray<readonly [number, ChatEvent.ChatEvent]>
    )
  })

describe("TurnLog", () => {
  it.effect.prop(
    "every reader (a stream, forEach, forEachBatch or forEachBatchSync), however late it joins and wherever it starts, gets the events from its position on, in order, and ends after done",
    [FastCheck.integer({ min: 0, max: 30 }), FastCheck.array(FastCheck.tuple(FastCheck.integer({ min: 0, max: 30 }), FastCheck.integer({ min: -2, max: 35 }), FastCheck.constantFrom("stream", "forEach", "forEachBatch", "forEachBatchSync")), { maxLength: 6 })],
    ([count, readers]) =>
      Effect.gen(function*() {
        const log = yield* makeTurnLog
        const all = [...Array.from({ length: count }, (_, i) => delta(i)), done]
        const started: Array<readonly [number, Fiber.RuntimeFiber<ReadonlyArray<readonly [number, ChatEvent.ChatEvent]>>]> = []
        for (let i = 0; i <= all.length; i++) {
          for (const [joinAt, from, via] of readers) {
            const read = via === "forEach" ? handed(log, from) : via === "forEachBatch" ? batched(log, from) : via === "forEachBatchSync" ? written(log, from) : collect(log.follow(from))
            if (joinAt === i) started.push([from, yield* Effect.fork(read)])
          }
          if (i % 3 === 0) yield* Effect.yieldNow()
          if (i < all.length) yield* log.append(all[i]!)
        }
        yield* log.append(delta(99))
        for (const [from, fiber] of started) {
          const start = Math.max(0, from)
          expect(yield* Fiber.join(fiber)).toEqual(all.slice(start).map((e, k) => [start + k, e]))
        }
        expect(log.isDone()).toBe(true)
        expect(log.events()).toEqual(all)
        expect(yield* collect(log.follow(all.length))).toEqual([])
        expect(yield* handed(log, all.length)).toEqual([])
        expect(yield* batched(log, all.length)).toEqual([])
        expect(yield* written(log, all.length)).toEqual([])
      }),
    { fastCheck: { numRuns: 60 } }
  )

  it.effect("a reader that leaves while waiting does not hold up the producer or later readers", () =>
    Effect.gen(function*() {
      const log = yield* makeTurnLog
      const leaving = yield* Effect.fork(collect(log.follow(0)))
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(leaving)
      const staying = yield* Effect.fork(collect(log.follow(0)))
      yield* log.append(delta(0))
      yield* log.append(done)
      expect(yield* Fiber.join(staying)).toEqual([[0, delta(0)], [1, done]])
    }))

  it.effect("a synchronous reader is written to by the append itself, before the producer goes on, then ends after done", () =>
    Effect.gen(function*() {
      const log = yield* makeTurnLog
      yield* log.append(delta(0))
      const out: Array<ReadonlyArray<number>> = []
      const reader = yield* Effect.fork(log.forEachBatchSync(0, (batch) => { out.push(batch.map(([position]) => position)) }))
      yield* Effect.yieldNow()
      expect(out).toEqual([[0]])
      yield* log.append(delta(1))
      expect(out).toEqual([[0], [1]])
      yield* log.append(done)
      expect(out).toEqual([[0], [1], [2]])
      yield* Fiber.join(reader)
    }))

  it.effect("a synchronous reader that throws dies with its error; the producer and the other readers go on", () =>
    Effect.gen(function*() {
      const log = yield* makeTurnLog
      const failing = yield* Effect.fork(log.forEachBatchSync(0, (batch) => { if (batch.some(([position]) => position === 1)) throw new Error("socket gone") }))
      const other = yield* Effect.fork(written(log, 0))
      yield* Effect.yieldNow()
      yield* log.append(delta(0))
      yield* log.append(delta(1))
      yield* log.append(delta(2))
      yield* log.append(done)
      const exit = yield* Fiber.await(failing)
      expect(Exit.isFailure(exit) && Cause.isDie(exit.cause) && String(Cause.squash(exit.cause))).toContain("socket gone")
      expect(yield* Fiber.join(other)).toEqual([[0, delta(0)], [1, delta(1)], [2, delta(2)], [3, done]])
    }))

  it.effect("a synchronous reader that leaves is written to no more", () =>
    Effect.gen(function*() {
      const log = yield* makeTurnLog
      const out: Array<number> = []
      const leaving = yield* Effect.fork(log.forEachBatchSync(0, (batch) => { for (const [position] of batch) out.push(position) }))
      yield* Effect.yieldNow()
      yield* log.append(delta(0))
      yield* Fiber.interrupt(leaving)
      yield* log.append(delta(1))
      yield* log.append(done)
      expect(out).toEqual([0])
    }))
})
