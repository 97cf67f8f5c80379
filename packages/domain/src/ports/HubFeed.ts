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
