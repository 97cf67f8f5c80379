import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber } from "effect"
import * as GroupCommit from "../../src/postgres/GroupCommit.js"

interface Item {
  readonly key: string
  readonly n: number
}

/** A GroupCommit whose `run` records every batch and answers each item's n doubled (odd n fail); the first batch waits for `gate`. */
const recording = (options: { readonly lanes: number; readonly gate?: Deferred.Deferred<void> }) =>
  Effect.gen(function* () {
    const batches: Array<ReadonlyArray<Item>> = []
    const submit = yield* GroupCommit.make({
      lanes: options.lanes,
      maxBatch: 4,
      keyOf: (item: Item) => item.key,
      run: (items) =>
        Effect.gen(function* () {
          batches.push(items)
          if (batches.length === 1 && options.gate) yield* Deferred.await(options.gate)
          if (items.some((i) => i.n === 13)) return yield* Effect.dieMessage("boom")
          return items.map((i) => (i.n % 2 === 0 ? Exit.succeed(i.n * 2) : Exit.fail(`odd ${i.n}`)))
        })
    })
    return { batches, submit }
  })

/** Lets every forked fiber run until it waits. */
const settle = Effect.repeatN(Effect.yieldNow(), 50)

describe("GroupCommit", () => {
  it.scoped("items that arrive while a batch runs go together in the next one, in order, at most maxBatch; each caller gets its own answer", () =>
    Effect.gen(function* () {
      const gate = yield* Deferred.make<void>()
      const { batches, submit } = yield* recording({ lanes: 1, gate })
      const first = yield* Effect.fork(submit({ key: "a", n: 0 }))
      yield* settle
      const rest = yield* Effect.fork(
        Effect.all([2, 3, 4, 6, 8, 10].map((n) => Effect.either(submit({ key: n % 4 === 0 ? "a" : "b", n }))), { concurrency: "unbounded" })
      )
      yield* settle
      yield* Deferred.succeed(gate, undefined)
      expect(yield* Fiber.join(first)).toBe(0)
      const answers = yield* Fiber.join(rest)
      expect(answers.map((e) => (e._tag === "Right" ? e.right : e.left))).toEqual([4, "odd 3", 8, 12, 16, 20])
      expect(batches.map((b) => b.map((i) => i.n))).toEqual([[0], [2, 3, 4, 6], [8, 10]])
    }))

  it.scoped("a defect in run fails that batch's callers, and the lane goes on", () =>
    Effect.gen(function* () {
      const { submit } = yield* recording({ lanes: 2 })
      const failed = yield* Effect.exit(submit({ key: "a", n: 13 }))
      expect(Exit.isFailure(failed) && Exit.causeOption(failed)._tag === "Some").toBe(true)
      expect(failed._tag === "Failure" && failed.cause._tag).toBe("Die")
      expect(yield* submit({ key: "a", n: 2 })).toBe(4)
    }))

  it.scoped("a caller interrupted before its batch starts is left out of it", () =>
    Effect.gen(function* () {
      const gate = yield* Deferred.make<void>()
      const { batches, submit } = yield* recording({ lanes: 1, gate })
      const first = yield* Effect.fork(submit({ key: "a", n: 0 }))
      yield* settle
      const leaving = yield* Effect.fork(submit({ key: "a", n: 2 }))
      const staying = yield* Effect.fork(submit({ key: "a", n: 4 }))
      yield* settle
      yield* Fiber.interrupt(leaving)
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(first)
      expect(yield* Fiber.join(staying)).toBe(8)
      expect(batches.map((b) => b.map((i) => i.n))).toEqual([[0], [4]])
    }))

  it.scoped("one key always goes to the same lane, so its items keep their order across batches", () =>
    Effect.gen(function* () {
      const { batches, submit } = yield* recording({ lanes: 3 })
      yield* Effect.all(
        Array.from({ length: 40 }, (_, i) => submit({ key: `k${i % 5}`, n: 2 * i })),
        { concurrency: "unbounded" }
      )
      for (let k = 0; k < 5; k++) {
        const seen = batches.flatMap((b) => b.filter((i) => i.key === `k${k}`).map((i) => i.n))
        expect(seen).toEqual(Array.from({ length: 8 }, (_, j) => 2 * (k + 5 * j)))
      }
      expect(batches.every((b) => b.length <= 4)).toBe(true)
    }))
})
