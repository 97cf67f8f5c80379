import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, FastCheck, Fiber } from "effect"
import { makeKeyedLock } from "../src/internal/KeyedLock.js"

/** Yields to the scheduler `n` times: lets other fibers interleave. */
const yields = (n: number) => Effect.forEach(Array.from({ length: n }), () => Effect.yieldNow(), { discard: true })

describe("KeyedLock", () => {
  it.effect("runs one holder at a time per key, in the order they came; other keys run beside", () =>
    Effect.gen(function*() {
      const lock = yield* makeKeyedLock<string>()
      const trace: Array<string> = []
      const task = (key: string, name: string) =>
        lock.withLock(key)(Effect.gen(function*() {
          trace.push(`+${name}`)
          yield* yields(3)
          trace.push(`-${name}`)
        }))
      yield* Effect.all([task("a", "a1"), task("a", "a2"), task("b", "b1"), task("a", "a3")], { concurrency: "unbounded" })
      const onA = trace.filter((t) => t.endsWith("1") || t.endsWith("2") || t.endsWith("3")).filter((t) => t.includes("a"))
      expect(onA).toEqual(["+a1", "-a1", "+a2", "-a2", "+a3", "-a3"])
      // b1 ran while a1 held "a".
      expect(trace.indexOf("+b1")).toBeLessThan(trace.indexOf("-a1"))
      expect(lock.size()).toBe(0)
    }))

  it.effect("a waiter interrupted leaves the line; the key still passes on", () =>
    Effect.gen(function*() {
      const lock = yield* makeKeyedLock<string>()
      const release = yield* Deferred.make<void>()
      const holder = yield* Effect.fork(lock.withLock("k")(Deferred.await(release)))
      yield* yields(2)
      const waiter = yield* Effect.fork(lock.withLock("k")(Effect.succeed("waiter")))
      const next = yield* Effect.fork(lock.withLock("k")(Effect.succeed("next")))
      yield* yields(2)
      yield* Fiber.interrupt(waiter)
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(holder)
      expect(yield* Fiber.join(next)).toBe("next")
      expect(lock.size()).toBe(0)
    }))

  it.effect("an effect that fails or is interrupted while holding the key releases it", () =>
    Effect.gen(function*() {
      const lock = yield* makeKeyedLock<string>()
      expect(Exit.isFailure(yield* Effect.exit(lock.withLock("k")(Effect.fail("boom"))))).toBe(true)
      const held = yield* Effect.fork(lock.withLock("k")(Effect.never))
      yield* yields(2)
      yield* Fiber.interrupt(held)
      expect(yield* lock.withLock("k")(Effect.succeed(1))).toBe(1)
      expect(lock.size()).toBe(0)
    }))

  it.effect.prop(
    "under random interruptions: never two holders of a key, every task not interrupted finishes, no key left held",
    [FastCheck.array(FastCheck.record({ key: FastCheck.constantFrom("x", "y"), work: FastCheck.nat(4), interruptAfter: FastCheck.option(FastCheck.nat(12), { nil: undefined }) }), { minLength: 1, maxLength: 12 })],
    ([tasks]) =>
      Effect.gen(function*() {
        const lock = yield* makeKeyedLock<string>()
        const holders = new Map<string, number>()
        let overlaps = 0
        const fibers = yield* Effect.forEach(tasks, (task) =>
          Effect.fork(lock.withLock(task.key)(Effect.suspend(() => {
            const now = (holders.get(task.key) ?? 0) + 1
            holders.set(task.key, now)
            if (now > 1) overlaps++
            // Left when it ends however it ends (an interrupted holder too).
            return Effect.ensuring(yields(task.work), Effect.sync(() => holders.set(task.key, holders.get(task.key)! - 1)))
          }))))
        // Interrupts land at random moments: while waiting, while holding, or as the key is handed over.
        yield* Effect.forEach(tasks, (task, i) =>
          task.interruptAfter === undefined ? Effect.void : Effect.fork(Effect.zipRight(yields(task.interruptAfter), Fiber.interrupt(fibers[i]!))), { discard: true })
        const exits = yield* Effect.forEach(fibers, Fiber.await)
        expect(overlaps).toBe(0)
        exits.forEach((exit, i) => { if (tasks[i]!.interruptAfter === undefined) expect(Exit.isSuccess(exit)).toBe(true) })
        expect(lock.size()).toBe(0)
      })
  )
})
