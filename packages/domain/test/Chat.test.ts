import { describe, expect, it } from "@effect/vitest"
import { BotEvent, Chat, ChatEvent, ConversationStore, Errors, Ids, RealtimeHub, HubFeed } from "@chatbot-node/domain"
import type { Turn } from "@chatbot-node/domain"
import { ScriptedBotGateway } from "@chatbot-node/adapters/memory"
import { Chunk, Effect, Exit, Fiber, Option, Stream, Tracer } from "effect"
import { alice, bob, botId, makeWorld, shopId } from "./support/world.js"

const events = (turn: Turn) => turn.events().pipe(Stream.map(([, e]) => e), Stream.runCollect, Effect.map(Chunk.toReadonlyArray))
const textOf = (all: ReadonlyArray<ChatEvent.ChatEvent>) =>
  all.filter((e): e is ChatEvent.Delta => e._tag === "delta").map((e) => e.text).join("")
const cmid = (s: string) => Ids.ClientMessageId.make(s)

describe("Chat.send", () => {
  it.effect("streams a reply, hides function-call markup, turns the call into product cards, stores both messages", () =>
    Effect.gen(function*() {
      const chat = yield* Chat
      const store = yield* ConversationStore
      const turn = yield* chat.send({ shopId, visitorId: alice, text: "Do you have shoes?", clientMessageId: cmid("m1") })
      const all = yield* events(turn)
      expect(all.map((e) => e._tag)).toEqual(expect.arrayContaining(["started", "delta", "products", "suggestions", "message", "done"]))
      expect(all[0]?._tag).toBe("started")
      expect(all.at(-1)).toMatchObject({ _tag: "done", status: "complete" })
      expect(textOf(all)).toBe("Here are some shoes for you.")
      expect(textOf(all)).not.toContain("FunctionCall")
      const products = all.find((e): e is ChatEvent.Products => e._tag === "products")!
      expect(products.call.name).toBe("get_product_list")
      expect(products.products.map((p) => p.id)).toEqual(["1"])

      const messages = yield* store.listMessages(turn.conversation.id, { limit: 10 })
      expect(messages.map((m) => [m.role, m.status])).toEqual([["visitor", "complete"], ["bot", "complete"]])
      expect(messages[1]!.text).toBe("Here are some shoes for you.")
      expect(messages[1]!.functionCalls.map((c) => c.name)).toEqual(["get_product_list"])
      expect(messages[1]!.products.map((p) => p.id)).toEqual(["1"])
      expect(messages[1]!.suggestions).toEqual(["Do you ship abroad?"])
      const conversation = yield* store.getConversation(turn.conversation.id)
      expect(Option.getOrThrow(conversation).upstreamConversationId).toEqual(Option.some("7400000000000000001"))
      expect(Option.getOrThrow(conversation).botId).toBe(botId)
    }).pipe(Effect.provide(makeWorld().layer)))

  it.effect("stores a message once per clientMessageId and asks the bot once", () => {
    const world = makeWorld()
    return Effect.gen(function*() {
      const chat = yield* Chat
      const store = yield* ConversationStore
      const first = yield* chat.send({ shopId, visitorId: alice, text: "hello", clientMessageId: cmid("same") })
      yield* events(first)
      const again = yield* chat.send({ shopId, visitorId: alice, text: "hello", clientMessageId: cmid("same"), conversationId: first.conversation.id })
      const replay = yield* events(again)
      // A retry of a first message, without the conversation id it never received, is recognised too.
      const retryFirst = yield* chat.send({ shopId, visitorId: alice, text: "hello", clientMessageId: cmid("same") })
      expect(again.duplicate).toBe(true)
      expect(retryFirst.duplicate).toBe(true)
      expect(retryFirst.conversation.id).toBe(first.conversation.id)
      expect(again.visitorMessage.id).toBe(first.visitorMessage.id)
      expect(textOf(replay)).toBe("You said: hello")
      expect(world.bot.turns()).toBe(1)
      expect(yield* store.listMessages(first.conversation.id, { limit: 10 })).toHaveLength(2)
    }).pipe(Effect.provide(world.layer))
  })

  it.effect("finishes and stores the reply even when nobody reads the stream", () =>
    Effect.gen(function*() {
      const chat = yield* Chat
      const store = yield* ConversationStore
      const turn = yield* chat.send({ shopId, visitorId: alice, text: "anyone there?" })
      yield* chat.awaitIdle
      const [, reply] = yield* store.listMessages(turn.conversation.id, { limit: 10 })
      expect(reply).toMatchObject({ role: "bot", status: "complete", text: "You said: anyone there?" })
      // A late reader, e.g. an SSE client resuming with Last-Event-ID, gets the rest from its position.
      const resumed = Option.getOrThrow(chat.follow(shopId, alice, turn.visitorMessage.id, 2))
      const rest = yield* Stream.runCollect(resumed)
      expect(Chunk.toReadonlyArray(rest)[0]![0]).toBe(2)
      expect(Chunk.toReadonlyArray(rest).at(-1)![1]._tag).toBe("done")
      expect(chat.follow(shopId, bob, turn.visitorMessage.id, 0)).toEqual(Option.none())
    }).pipe(Effect.provide(makeWorld().layer)))

  it.effect("a bot failure before any text ends in a localized error and a failed reply, with no lost visitor message", () =>
    Effect.gen(function*() {
      const chat = yield* Chat
      const store = yield* ConversationStore
      const turn = yield* chat.send({ shopId, visitorId: alice, text: "fail-now por favor", locale: "es" })
      const all = yield* events(turn)
      const error = all.find((e): e is ChatEvent.ErrorEvent => e._tag === "error")!
      expect(error.code).toBe("bot_unavailable")
      expect(error.message).toMatch(/asistente no puede responder/)
      expect(all.at(-1)).toMatchObject({ _tag: "done", status: "failed" })
      const messages = yield* store.listMessages(turn.conversation.id, { limit: 10 })
      expect(messages.map((m) => [m.role, m.status])).toEqual([["visitor", "complete"], ["bot", "failed"]])
    }).pipe(Effect.provide(makeWorld().layer)))

  it.effect("a failure after text marks the reply interrupted and keeps the text shown", () =>
    Effect.gen(function*() {
      const chat = yield* Chat
      const store = yield* ConversationStore
      const turn = yield* chat.send({ shopId, visitorId: alice, text: "partial" })
      const all = yield* events(turn)
      expect(all.filter((e) => e._tag === "error")).toHaveLength(1)
      expect(all.at(-1)).toMatchObject({ _tag: "done", status: "interrupted" })
      const [, reply] = yield* store.listMessages(turn.conversation.id, { limit: 10 })
      expect(reply).toMatchObject({ status: "interrupted", text: "Half an ans" })
    }).pipe(Effect.provide(makeWorld({
      reply: () => [
        BotEvent.BotEvent.TextDelta({ messageId: "1", text: "Half an ans" }),
        new Errors.BotGatewayError({ reason: "timeout", message: "silence" })
      ]
    }).layer)))

  it.effect("answers the platform's tool calls from the catalog and continues the same turn", () =>
    Effect.gen(function*() {
      const chat = yield* Chat
      const turn = yield* chat.send({ shopId, visitorId: alice, text: "use a tool" })
      const all = yield* events(turn)
      const products = all.find((e): e is ChatEvent.Products => e._tag === "products")!
      expect(products.products.map((p) => p.name)).toEqual(["Leather boots"])
      expect(textOf(all)).toBe("Found: 1 product(s).")
      expect(all.at(-1)).toMatchObject({ _tag: "done", status: "complete" })
    }).pipe(Effect.provide(makeWorld().layer)))

  it.effect("refuses empty, too long, foreign and unknown-shop messages before storing anything", () =>
    Effect.gen(function*() {
      const chat = yield* Chat
      const store = yield* ConversationStore
      const mine = yield* chat.send({ shopId, visitorId: alice, text: "mine" })
      const failures = yield* Effect.all([
        chat.send({ shopId, visitorId: alice, text: "   " }),
        chat.send({ shopId, visitorId: alice, text: "x".repeat(4001) }),
        chat.send({ shopId, visitorId: bob, text: "let me in", conversationId: mine.conversation.id }),
        chat.send({ shopId: Ids.ShopId.make("nope"), visitorId: alice, text: "hi" }),
        chat.send({ shopId, visitorId: alice, text: "hi", botId: Ids.BotId.make("not-allowed") })
      ].map((e) => Effect.flip(e)))
      expect(failures.map((f) => f._tag)).toEqual(["EmptyMessage", "MessageTooLong", "ConversationNotFound", "ShopNotFound", "BotNotAllowed"])
      yield* chat.awaitIdle
      expect(yield* store.listMessages(mine.conversation.id, { limit: 10 })).toHaveLength(2)
      expect(yield* store.latestVisitorConversation(shopId, bob)).toEqual(Option.none())
    }).pipe(Effect.provide(makeWorld().layer)))

  it.effect("opens a span per message without capturing a stack trace at each call", () =>
    Effect.gen(function*() {
      const ended: Array<{ readonly name: string; readonly attributes: ReadonlyMap<string, unknown>; readonly failed: boolean }> = []
      // A tracer that records each span's name, attributes and how it ended.
      const recording = Tracer.make({
        span: (name, parent, context, links, startTime, kind) => {
          const attributes = new Map<string, unknown>()
          const span: Tracer.Span = {
            _tag: "Span", name, spanId: String(ended.length), traceId: "trace", parent, context, links, sampled: true, kind, attributes,
            status: { _tag: "Started", startTime },
            attribute: (key, value) => { attributes.set(key, value) },
            event: () => {},
            addLinks: () => {},
            end: (_, exit) => { ended.push({ name, attributes, failed: Exit.isFailure(exit) }) }
          }
          return span
        },
        context: (f) => f()
      })
      const chat = yield* Chat
      const refused = yield* Effect.flip(chat.send({ shopId, visitorId: alice, text: "   " }).pipe(Effect.withTracer(recording)))
      expect(refused._tag).toBe("EmptyMessage")
      const send = ended.find((s) => s.name === "Chat.send")
      expect(send?.failed).toBe(true)
      // Effect adds the call site's stack to a failed span only when it captured one when the span was made.
      expect(send?.attributes.has("code.stacktrace")).toBe(false)
    }).pipe(Effect.provide(makeWorld().layer)))

  it.effect("keeps the conversation's language sticky and lets an explicit locale win", () =>
    Effect.gen(function*() {
      const chat = yield* Chat
      const first = yield* chat.send({ shopId, visitorId: alice, text: "Hola, ¿tienen zapatillas de trail?" })
      expect(first.conversation.locale).toBe("es")
      const second = yield* chat.send({ shopId, visitorId: alice, text: "ok", conversationId: first.conversation.id })
      expect(second.conversation.locale).toBe("es")
      const third = yield* chat.send({ shopId, visitorId: alice, text: "ok", conversationId: first.conversation.id, locale: "zh" })
      expect(third.conversation.locale).toBe("zh")
    }).pipe(Effect.provide(makeWorld().layer)))

  it.live("runs one reply at a time per conversation, in order", () => {
    const world = makeWorld({
      reply: (turn) => [...ScriptedBotGateway.answer(`m-${turn.text}`, `reply to ${turn.text}`), ScriptedBotGateway.completed],
      delay: Effect.sleep("2 millis")
    })
    return Effect.gen(function*() {
      const chat = yield* Chat
      const store = yield* ConversationStore
      const first = yield* chat.send({ shopId, visitorId: alice, text: "one" })
      const sends = yield* Effect.forEach(["two", "three", "four"], (text) =>
        chat.send({ shopId, visitorId: alice, text, conversationId: first.conversation.id }), { concurrency: "unbounded" })
      yield* Effect.forEach([first, ...sends], events, { concurrency: "unbounded" })
      expect(world.bot.maxConcurrentTurns()).toBe(1)
      expect(world.bot.turns()).toBe(4)
      const messages = yield* store.listMessages(first.conversation.id, { limit: 20 })
      expect(messages.filter((m) => m.role === "bot").every((m) => m.status === "complete")).toBe(true)
      expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    }).pipe(Effect.provide(world.layer))
  })

  it.live("an interrupted reply (agent takeover, shutdown) is stored as interrupted, never complete", () => {
    const world = makeWorld({
      reply: () => [BotEvent.BotEvent.TextDelta({ messageId: "1", text: "Let me think" }), ...ScriptedBotGateway.answer("2", "x ".repeat(500))],
      delay: Effect.sleep("5 millis")
    })
    return Effect.gen(function*() {
      const chat = yield* Chat
      const store = yield* ConversationStore
      const turn = yield* chat.send({ shopId, visitorId: alice, text: "long answer please" })
      const reader = yield* Effect.fork(events(turn))
      yield* turn.events().pipe(Stream.filter(([, e]) => e._tag === "delta"), Stream.take(3), Stream.runDrain)
      yield* chat.cancelConversation(turn.conversation.id)
      const all = yield* Fiber.join(reader)
      expect(all.at(-1)).toMatchObject({ _tag: "done", status: "interrupted" })
      const [, reply] = yield* store.listMessages(turn.conversation.id, { limit: 10 })
      expect(reply!.status).toBe("interrupted")
      expect(reply!.text.startsWith("Let me think")).toBe(true)
    }).pipe(Effect.provide(world.layer))
  })

  it.effect("publishes every event to the realtime hub for watching agents", () =>
    Effect.gen(function*() {
      const chat = yield* Chat
      const hub = yield* RealtimeHub
      const inbox = yield* HubFeed.stream(hub.subscribeShop, shopId)
      const watcher = yield* Effect.fork(inbox.pipe(Stream.takeUntil((e) => e.event._tag === "done"), Stream.runCollect))
      yield* Effect.yieldNow()
      const turn = yield* chat.send({ shopId, visitorId: alice, text: "hello hub" })
      const seen = Chunk.toReadonlyArray(yield* Fiber.join(watcher))
      expect(seen.every((e) => e.conversationId === turn.conversation.id)).toBe(true)
      expect(seen.map((e) => e.event._tag)).toEqual(expect.arrayContaining(["message", "started", "delta", "done"]))
    }).pipe(Effect.scoped, Effect.provide(makeWorld().layer)))
})
