import { describe, expect, it } from "@effect/vitest"
import { BotGateway, Chat, ConversationStore, Errors, Handoff, History, Ids } from "@chatbot-node/domain"
import {
  MemoryAdminDirectory,
  MemoryConversationStore,
  MemoryProductCatalog,
  MemoryRealtimeHub,
  MemoryShopDirectory,
  ScriptedBotGateway
} from "@chatbot-node/adapters/memory"
import { Effect, Fiber, Layer, Option, Schedule, Stream } from "effect"
import { alice, catalog, shop, shopId } from "./support/world.js"

/** A bot that never answers and counts the calls open right now; a store that may refuse the first message's read or write. */
const makeWorld = (refuse: "latestVisitorConversationHolding" | "openConversation" | "none") => {
  let calls = 0
  let open = 0
  const bot = ScriptedBotGateway.make({ reply: () => [] }).service
  const gateway: BotGateway.Service = {
    ...bot,
    run: () => Effect.acquireUseRelease(Effect.sync(() => { calls++; open++ }), () => Effect.never, () => Effect.sync(() => { open-- }))
  }
  // The refused write takes a while, so that the early bot call is surely under way when it fails.
  const failing = Effect.zipRight(Effect.sleep("20 millis"), Effect.fail(new Errors.StoreError({ operation: refuse, message: "disk full" })))
  const store = Layer.effect(
    ConversationStore,
    Effect.map(ConversationStore, (s) => ({
      ...s,
      // The look for a retried first message, then the conversation opened with the message and the reply's placeholder.
      latestVisitorConversationHolding: refuse === "latestVisitorConversationHolding" ? () => failing : s.latestVisitorConversationHolding,
      openConversation: refuse === "openConversation" ? () => failing : s.openConversation
    }))
  ).pipe(Layer.provide(MemoryConversationStore.layer))
  const ports = Layer.mergeAll(
    store,
    MemoryShopDirectory.layer([shop]),
    MemoryAdminDirectory.layer(),
    MemoryRealtimeHub.layer,
    MemoryProductCatalog.layer(catalog),
    Layer.succeed(BotGateway, gateway)
  )
  const services = Handoff.Default.pipe(Layer.provideMerge(Layer.mergeAll(Chat.Default, History.Default)))
  return { calls: () => calls, open: () => open, layer: services.pipe(Layer.provideMerge(ports)) }
}

describe("Chat.send, the bot call started before the writes", () => {
  for (const refuse of ["latestVisitorConversationHolding", "openConversation"] as const) {
    it.live(`is stopped when ${refuse} fails, and send fails with the store's error`, () => {
      const world = makeWorld(refuse)
      return Effect.gen(function*() {
        const chat = yield* Chat
        const error = yield* Effect.flip(chat.send({ shopId, visitorId: alice, text: "hello", clientMessageId: Ids.ClientMessageId.make("c-1") }))
        expect(error._tag).toBe("StoreError")
        expect(world.calls()).toBe(1)
        expect(world.open()).toBe(0)
        expect(yield* chat.activeTurns).toBe(0)
      }).pipe(Effect.provide(world.layer))
    })
  }

  it.live("belongs to the turn once send succeeds: cancelling the conversation stops it and stores the reply as interrupted", () => {
    const world = makeWorld("none")
    return Effect.gen(function*() {
      const chat = yield* Chat
      const store = yield* ConversationStore
      const turn = yield* chat.send({ shopId, visitorId: alice, text: "hello" })
      yield* Effect.suspend(() => (world.open() === 1 ? Effect.void : Effect.fail("not yet"))).pipe(
        Effect.retry({ schedule: Schedule.spaced("1 millis"), times: 2000 })
      )
      yield* chat.cancelConversation(turn.conversation.id)
      const last = yield* turn.events().pipe(Stream.runLast)
      expect(Option.map(last, ([, e]) => e)).toMatchObject(Option.some({ _tag: "done", status: "interrupted" }))
      expect(world.open()).toBe(0)
      const [, reply] = yield* store.listMessages(turn.conversation.id, { limit: 10 })
      expect(reply!.status).toBe("interrupted")
      expect(world.calls()).toBe(1)
    }).pipe(Effect.provide(world.layer))
  })

  it.live("is closed when the message turns out to be a retried first message: the earlier turn is answered, nothing new is stored", () => {
    const world = makeWorld("none")
    return Effect.gen(function*() {
      const chat = yield* Chat
      const store = yield* ConversationStore
      const clientMessageId = Ids.ClientMessageId.make("first-try")
      const first = yield* chat.send({ shopId, visitorId: alice, text: "hello", clientMessageId })
      const again = yield* chat.send({ shopId, visitorId: alice, text: "hello", clientMessageId })
      expect(again.duplicate).toBe(true)
      expect(again.conversation.id).toBe(first.conversation.id)
      expect(again.visitorMessage.id).toBe(first.visitorMessage.id)
      // The retry's own call, started beside the look-up, is closed by it (often before it got going):
      // only the first turn's call stays open.
      expect(world.calls()).toBeGreaterThanOrEqual(1)
      expect(world.calls()).toBeLessThanOrEqual(2)
      yield* Effect.suspend(() => (world.open() === 1 ? Effect.void : Effect.fail("not yet"))).pipe(
        Effect.retry({ schedule: Schedule.spaced("1 millis"), times: 2000 })
      )
      const messages = yield* store.listMessages(first.conversation.id, { limit: 10 })
      expect(messages.filter((m) => m.role === "visitor")).toHaveLength(1)
      yield* chat.cancelConversation(first.conversation.id)
    }).pipe(Effect.provide(world.layer))
  })

  it.live("a refused admission (a shared rate limit) closes the call already started and stores nothing", () => {
    const world = makeWorld("none")
    return Effect.gen(function*() {
      const chat = yield* Chat
      const store = yield* ConversationStore
      const refused = Effect.zipRight(Effect.sleep("20 millis"), Effect.fail("rate limited" as const))
      const error = yield* Effect.flip(chat.send({ shopId, visitorId: alice, text: "hello", admission: refused }))
      expect(error).toBe("rate limited")
      // The bot was asked beside the admission, and its call closed when the admission failed.
      expect(world.calls()).toBe(1)
      expect(world.open()).toBe(0)
      expect(yield* store.latestVisitorConversation(shopId, alice)).toEqual(Option.none())
      expect(yield* chat.activeTurns).toBe(0)
      // Admitted, the same message goes through.
      const turn = yield* chat.send({ shopId, visitorId: alice, text: "hello", admission: Effect.void })
      expect(turn.duplicate).toBe(false)
      yield* chat.cancelConversation(turn.conversation.id)
    }).pipe(Effect.provide(world.layer))
  })

  // A database finishes a write its caller stopped waiting for: once the write began, the turn must go on.
  const slowWrites = () => {
    const writing = { open: 0, turn: 0 }
    const slowly = <A, E>(count: () => void, write: Effect.Effect<A, E>) =>
      Effect.zipRight(Effect.sync(count).pipe(Effect.zipRight(Effect.sleep("30 millis"))), write)
    const slowStore = Layer.effect(
      ConversationStore,
      Effect.map(ConversationStore, (s) => ({
        ...s,
        openConversation: (...args: Parameters<typeof s.openConversation>) => slowly(() => { writing.open++ }, s.openConversation(...args)),
        appendTurn: (...args: Parameters<typeof s.appendTurn>) => slowly(() => { writing.turn++ }, s.appendTurn(...args))
      }))
    ).pipe(Layer.provide(MemoryConversationStore.layer))
    const bot = ScriptedBotGateway.make({ reply: () => [...ScriptedBotGateway.answer("m1", "Hello there."), ScriptedBotGateway.completed] })
    const ports = Layer.mergeAll(slowStore, MemoryShopDirectory.layer([shop]), MemoryAdminDirectory.layer(), MemoryRealtimeHub.layer, MemoryProductCatalog.layer(catalog), Layer.succeed(BotGateway, bot.service))
    const world = Handoff.Default.pipe(Layer.provideMerge(Layer.mergeAll(Chat.Default, History.Default)), Layer.provideMerge(ports))
    return { writing, world }
  }
  const until = (ready: () => boolean) =>
    Effect.suspend(() => (ready() ? Effect.void : Effect.fail("not yet"))).pipe(Effect.retry({ schedule: Schedule.spaced("1 millis"), times: 2000 }))
  const allAnswered = Effect.flatMap(Chat, (chat) =>
    Effect.suspend(() => chat.activeTurns).pipe(
      Effect.flatMap((n) => (n === 0 ? Effect.void : Effect.fail("still answering"))),
      Effect.retry({ schedule: Schedule.spaced("5 millis"), times: 400 })
    ))

  it.live("a send interrupted once its message's write began still answers it: nothing is left unanswered or streaming", () => {
    const { writing, world } = slowWrites()
    return Effect.gen(function*() {
      const chat = yield* Chat
      const store = yield* ConversationStore
      const first = yield* chat.send({ shopId, visitorId: alice, text: "hello" })
      const sending = yield* Effect.fork(chat.send({ shopId, visitorId: alice, text: "are you there?", conversationId: first.conversation.id }))
      yield* until(() => writing.turn === 1)
      yield* Fiber.interrupt(sending)
      yield* allAnswered
      const messages = yield* store.listMessages(first.conversation.id, { limit: 10 })
      expect(messages.map((m) => [m.role, m.status])).toEqual([["visitor", "complete"], ["bot", "complete"], ["visitor", "complete"], ["bot", "complete"]])
    }).pipe(Effect.provide(world))
  })

  it.live("a first message interrupted once its conversation's write began is answered all the same", () => {
    const { writing, world } = slowWrites()
    return Effect.gen(function*() {
      const chat = yield* Chat
      const store = yield* ConversationStore
      const sending = yield* Effect.fork(chat.send({ shopId, visitorId: alice, text: "hello" }))
      yield* until(() => writing.open === 1)
      yield* Fiber.interrupt(sending)
      yield* allAnswered
      const opened = Option.getOrThrow(yield* store.latestVisitorConversation(shopId, alice))
      const messages = yield* store.listMessages(opened.id, { limit: 10 })
      expect(messages.map((m) => [m.role, m.status, m.text])).toEqual([["visitor", "complete", "hello"], ["bot", "complete", "Hello there."]])
    }).pipe(Effect.provide(world))
  })
})
