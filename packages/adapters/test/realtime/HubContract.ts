import { ChatEvent, Ids, Message, Product, type RealtimeHub, HubFeed } from "@chatbot-node/domain"
import { expect } from "@effect/vitest"
import { Chunk, Effect, Fiber, Option, Stream } from "effect"

const shopId = Ids.ShopId.make("shop-hub")
const conversationId = Ids.ConversationId.make("AAAAAAAAAAAAAAAAAAAAAA")
const replyId = Ids.MessageId.make("BBBBBBBBBBBBBBBBBBBBBB")

/** A message big enough to need several NOTIFY payloads. */
const bigMessage = () =>
  new Message.Message({
    id: replyId, conversationId, seq: 2, role: "bot", text: "长".repeat(9000), functionCalls: [], suggestions: [],
    products: Array.from({ length: 20 }, (_, i) => new Product.Product({ id: `p${i}`, sku: `SKU-${i}`, name: `Product ${i} ${"·".repeat(200)}`, price: new Product.Money({ amount: 10 + i, currency: "EUR" }), url: `https://shop.example/p${i}`, imageUrl: `https://shop.example/p${i}.svg`, inStock: true })),
    status: "complete", clientMessageId: Option.none(), agentId: Option.none(), createdAt: new Date(0), updatedAt: new Date(0)
  })

/**
 * What every hub shared by instances must do, given two instances `a` and `b` on one channel:
 * fan events out from `a` to `b` in order (large ones included, per conversation and per shop; a
 * reply's consecutive deltas may arrive merged, with the same text), and to `a`'s own subscribers
 * once, as the very objects published.
 */
export const crossInstance = (a: RealtimeHub.Service, b: RealtimeHub.Service) =>
  Effect.gen(function*() {
    const onB = yield* HubFeed.stream(b.subscribeConversation, conversationId)
    const shopOnB = yield* HubFeed.stream(b.subscribeShop, shopId)
    const onA = yield* HubFeed.stream(a.subscribeConversation, conversationId)
    const events: Array<ChatEvent.ChatEvent> = [
      ...Array.from({ length: 50 }, (_, i) => new ChatEvent.Delta({ replyId, text: `t${i} ` })),
      new ChatEvent.MessageStored({ message: bigMessage() }),
      new ChatEvent.Done({ conversationId, replyId: Option.some(replyId), status: "complete" })
    ]
    const receivedB = yield* Effect.fork(Stream.runCollect(Stream.takeUntil(onB, (e) => e._tag === "done")))
    const receivedShop = yield* Effect.fork(Stream.runCollect(Stream.takeUntil(shopOnB, (e) => e.event._tag === "done")))
    const receivedA = yield* Effect.fork(Stream.runCollect(Stream.take(onA, events.length)))
    yield* Effect.forEach(events, (e) => a.publish(shopId, conversationId, e), { discard: true })
    const gotB = Chunk.toReadonlyArray(yield* Fiber.join(receivedB).pipe(Effect.timeout("10 seconds")))
    const tags = (xs: ReadonlyArray<ChatEvent.ChatEvent>) => xs.map((e) => e._tag).filter((t, i, all) => !(t === "delta" && all[i - 1] === "delta"))
    expect(tags(gotB)).toEqual(["delta", "message", "done"])
    expect(tags(gotB)).toEqual(tags(events))
    expect(gotB.filter((e) => e._tag === "delta").map((e) => (e as ChatEvent.Delta).text).join("")).toBe(events.slice(0, 50).map((e) => (e as ChatEvent.Delta).text).join(""))
    const stored = gotB.at(-2) as ChatEvent.MessageStored
    expect(stored.message.text).toBe(bigMessage().text)
    expect(stored.message.products).toHaveLength(20)
    const gotShop = Chunk.toReadonlyArray(yield* Fiber.join(receivedShop).pipe(Effect.timeout("10 seconds")))
    expect(gotShop.every((e) => e.shopId === shopId && e.conversationId === conversationId)).toBe(true)
    // The publishing instance delivers its own events directly (the same objects), not again from the channel.
    const gotA = Chunk.toReadonlyArray(yield* Fiber.join(receivedA).pipe(Effect.timeout("10 seconds")))
    expect(gotA.every((e, i) => e === events[i])).toBe(true)
    const extra = yield* Stream.runCollect(Stream.take(onA, 1)).pipe(Effect.timeout("300 millis"), Effect.option)
    expect(Option.isNone(extra)).toBe(true)
  })
