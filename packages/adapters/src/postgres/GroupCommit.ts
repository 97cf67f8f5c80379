import { Deferred, Effect, Exit, FiberId, Hash, Queue, type Scope } from "effect"

interface Entry<I, A, E> {
  readonly item: I
  readonly done: Deferred.Deferred<A, E>
  abandoned: boolean
}

/**
 * Group commit: items submitted by many fibers run as batches, one statement and one commit for
 * all the items that arrived while the previous batch ran. Items of one key (e.g. a conversation)
 * always go to the same lane and each lane has one batch in flight, so two batches in flight
 * never touch the same key and a key's items run in submission order. `run` answers one exit per
 * item, in order, and must not fail. An item whose caller is interrupted before its batch starts
 * is dropped; once its batch has started it runs to the end (for the other items in it).
 */
export const make = <I, A, E>(options: {
  readonly lanes: number
  readonly maxBatch: number
  readonly keyOf: (item: I) => string
  readonly run: (items: ReadonlyArray<I>) => Effect.Effect<ReadonlyArray<Exit.Exit<A, E>>>
}): Effect.Effect<(item: I) => Effect.Effect<A, E>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const lanes = yield* Effect.forEach(Array.from({ length: Math.max(1, options.lanes) }), () =>
      Effect.acquireRelease(Queue.unbounded<Entry<I, A, E>>(), (queue) =>
        // Callers still waiting when the store closes are interrupted rather than left hanging.
        Effect.flatMap(Queue.takeAll(queue), (left) => Effect.forEach(left, (e) => Deferred.interrupt(e.done))).pipe(
          Effect.zipRight(Queue.shutdown(queue))
        )
      )
    )
    // A defect in `run` fails that batch's callers and the lane goes on; interrupted (the store is
    // closing), its callers are interrupted as a cancelled statement would interrupt them.
    const runBatch = (entries: ReadonlyArray<Entry<I, A, E>>) =>
      Effect.exit(options.run(entries.map((e) => e.item))).pipe(
        Effect.flatMap((batch) =>
          Effect.forEach(
            entries,
            (e, i) =>
              Deferred.done(
                e.done,
                Exit.isSuccess(batch)
                  ? (batch.value[i] ?? Exit.die(new Error("GroupCommit: no result for an item")))
                  : Exit.failCause(batch.cause)
              ),
            { discard: true }
          )
        ),
        Effect.onInterrupt(() => Effect.forEach(entries, (e) => Deferred.interrupt(e.done), { discard: true }))
      )
    for (const queue of lanes) {
      yield* Queue.takeBetween(queue, 1, options.maxBatch).pipe(
        Effect.flatMap((chunk) => {
          const entries = Array.from(chunk).filter((e) => !e.abandoned)
          return entries.length > 0 ? runBatch(entries) : Effect.void
        }),
        Effect.forever,
        Effect.forkScoped
      )
    }
    return (item: I) =>
      Effect.suspend(() => {
        const queue = lanes[(Hash.string(options.keyOf(item)) >>> 0) % lanes.length]!
        const entry: Entry<I, A, E> = { item, done: Deferred.unsafeMake<A, E>(FiberId.none), abandoned: false }
        return Queue.offer(queue, entry).pipe(
          Effect.zipRight(Deferred.await(entry.done)),
          Effect.onInterrupt(() => Effect.sync(() => (entry.abandoned = true)))
        )
      })
  })
