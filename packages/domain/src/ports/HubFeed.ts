import { Effect, Queue, type Scope, Stream } from "effect"

/**
 * Takes a feed's events as the hub publishes them, in the publisher's own turn: it must hand each
 * on at once (a socket's emit, a response's write, a queue's offer) and never wait or throw.
 */
export type HubListener<A> = (event: A) => void

/**
 * A feed as a `Stream` (for readers that want one, e.g. tests): `stream(hub.subscribeShop, shopId)`.
 * The events queue up from the moment the scope subscribes until it closes.
 */
export const stream = <K, A>(
  subscribe: (key: K, listener: HubListener<A>) => Effect.Effect<void, never, Scope.Scope>,
  key: K
): Effect.Effect<Stream.Stream<A>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const queue = yield* Effect.acquireRelease(Queue.unbounded<A>(), Queue.shutdown)
    yield* subscribe(key, (event) => { queue.unsafeOffer(event) })
    return Stream.fromQueue(queue)
  })

/**
 * A listener that holds the events it gets until `release`, then hands them (and every later one) to
 * `deliver` in order: for a reader that subscribes first and replays what came before, so that
 * nothing is missed and nothing overtakes the replay.
 */
export const holding = <A>(deliver: (event: A) => void): { readonly listener: HubListener<A>; readonly release: () => void } => {
  let held: Array<A> | undefined = []
  return {
    listener: (event) => {
      if (held === undefined) deliver(event)
      else held.push(event)
    },
    release: () => {
      const events = held ?? []
      held = undefined
      for (const event of events) deliver(event)
    }
  }
}
