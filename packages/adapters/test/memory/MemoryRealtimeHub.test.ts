import { MemoryRealtimeHub } from "@chatbot-node/adapters/memory"
import { ChatEvent, Ids, HubFeed } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Exit, Fiber, Logger, Option, Scope, Stream } from "effect"

const shop = Ids.ShopId.make("shop-mem")
const otherShop = Ids.ShopId.make("shop-other")
const a = Ids.ConversationId.make("AAAAAAAAAAAAAAAAAAAAAA")
const b = Ids.ConversationId.make("BBBBBBBBBBBBBBBBBBBBBB")
const typing = (conversationId: Ids.ConversationId, n: number) => new ChatEvent.Typing({ conversationId, from: "agent", typing: n % 2 === 0 })

/** What is already waiting on a stream (no more than `max`), without waiting for more. */
const pending = <A>(stream: Stream.Stream<A>, max: number) =>
  Stream.runCollect(Stream.take(stream, max)).pipe(Effect.timeout("200 millis"), Effect.option, Effect.map(Option.map(Chunk.toReadonlyArray)))

describe("MemoryRealtimeHub", () => {
  it.scopedLive("delivers each conversation's events, in order and as published, only to that conversation's subscribers", () =>
    Effect.gen(function*() {
      const hub = yield* MemoryRealtimeHub.make
      const onA1 = yield* HubFeed.stream(hub.subscribeConversation, a)
      const onA2 = yield* HubFeed.stream(hub.subscribeConversation, a)
      const onB = yield* HubFeed.stream(hub.subscribeConversation, b)
      const shopFeed = yield* HubFeed.stream(hub.subscribeShop, shop)
      const eventsA = Array.from({ length: 5 }, (_, i) => typing(a, i))
      const eventB = typing(b, 0)
      const gotA1 = yield* Effect.fork(Stream.runCollect(Stream.take(onA1, 5)))
      const gotA2 = yield* Effect.fork(Stream.runCollect(Stream.take(onA2, 5)))
      const gotB = yield* Effect.fork(Stream.runCollect(Stream.take(onB, 1)))
      const gotShop = yield* Effect.fork(Stream.runCollect(Stream.take(shopFeed, 6)))
      for (const [i, e] of eventsA.entries()) {
        yield* hub.publish(shop, a, e)
        if (i === 2) yield* hub.publish(shop, b, eventB)
      }
      yield* hub.publish(otherShop, Ids.ConversationId.make("CCCCCCCCCCCCCCCCCCCCCC"), typing(a, 9))
      for (const got of [gotA1, gotA2]) expect(Chunk.toReadonlyArray(yield* Fiber.join(got))).toEqual(eventsA)
      expect(Chunk.toReadonlyArray(yield* Fiber.join(gotA1)).every((e, i) => e === eventsA[i])).toBe(true)
      expect(Chunk.toReadonlyArray(yield* Fiber.join(gotB))).toEqual([eventB])
      const shopEvents = Chunk.toReadonlyArray(yield* Fiber.join(gotShop))
      expect(shopEvents.map((e) => [e.shopId, e.conversationId])).toEqual([[shop, a], [shop, a], [shop, a], [shop, b], [shop, a], [shop, a]])
      expect(Option.isNone(yield* pending(onB, 1))).toBe(true)
    }))

  it.scopedLive("a subscription whose scope closed gets nothing more; the others of its conversation still do", () =>
    Effect.gen(function*() {
      const hub = yield* MemoryRealtimeHub.make
      const scope = yield* Scope.make()
      const gone = yield* Scope.extend(HubFeed.stream(hub.subscribeConversation, a), scope)
      const stays = yield* HubFeed.stream(hub.subscribeConversation, a)
      yield* hub.publish(shop, a, typing(a, 0))
      yield* Scope.close(scope, Exit.void)
      yield* hub.publish(shop, a, typing(a, 1))
      // The closed subscription's stream ends (its queue is shut down) instead of waiting forever.
      expect(Chunk.toReadonlyArray(yield* Stream.runCollect(gone).pipe(Effect.timeout("1 second")))).toHaveLength(0)
      expect(Chunk.toReadonlyArray(yield* Stream.runCollect(Stream.take(stays, 2)))).toEqual([typing(a, 0), typing(a, 1)])
      // Subscribing again after every subscriber left works as the first time.
      const stays2 = yield* Effect.scoped(Effect.gen(function*() {
        const again = yield* HubFeed.stream(hub.subscribeConversation, b)
        yield* hub.publish(shop, b, typing(b, 3))
        return Chunk.toReadonlyArray(yield* Stream.runCollect(Stream.take(again, 1)))
      }))
      expect(stays2).toEqual([typing(b, 3)])
    }))

  it.scopedLive("hands events to listeners in the publisher's call; a listener that throws is skipped and logged, the others get the event", () =>
    Effect.gen(function*() {
      const hub = yield* MemoryRealtimeHub.make
      const got: Array<string> = []
      yield* hub.subscribeConversation(a, () => { throw new Error("a broken socket") })
      yield* hub.subscribeConversation(a, (e) => { got.push(`a:${e._tag}`) })
      yield* hub.subscribeShop(shop, (e) => { got.push(`shop:${e.event._tag}`) })
      const logged: Array<string> = []
      const logger = Logger.make(({ message }) => { logged.push(String(message)) })
      yield* hub.publish(shop, a, typing(a, 0)).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      // Delivered before publish returned, with no fiber or queue in between.
      expect(got).toEqual(["a:typing", "shop:typing"])
      expect(logged.join(" ")).toContain("a realtime listener failed")
    }))
})
