import { describe, expect, it } from "@effect/vitest"
import { Chat, type ChatEvent, ConversationStore, Handoff, History, Ids, RealtimeHub } from "@chatbot-node/domain"
import type { Turn } from "@chatbot-node/domain"
import { Chunk, Effect, Option, Stream } from "effect"
import { agent, alice, bob, foreignAgent, makeWorld, shopId } from "./support/world.js"

const finish = (turn: Turn) => turn.events().pipe(Stream.runCollect, Effect.map((c) => Chunk.toReadonlyArray(c).map(([, e]) => e)))

describe("Handoff", () => {
  it.effect("visitor asks for a person; the bot goes silent; an agent takes over, replies, hands back; the bot answers again", () => {
    const world = makeWorld()
    return Effect.gen(function*() {
      const chat = yield* Chat
      const handoff = yield* Handoff
      const store = yield* ConversationStore
      const first = yield* chat.send({ shopId, visitorId: alice, text: "Hola, necesito ayuda" })
      yield* finish(first)
      const id = first.conversation.id

      const waiting = yield* handoff.requestHuman(shopId, alice, id)
      expect(waiting.status).toBe("waiting-for-agent")
      const meanwhile = yield* finish(yield* chat.send({ shopId, visitorId: alice, text: "¿hay alguien?", conversationId: id }))
      expect(meanwhile.at(-1)).toMatchObject({ _tag: "done", status: "handed-off" })
      expect(world.bot.turns()).toBe(1)

      const taken = yield* handoff.takeOver(agent, id)
      expect(taken.status).toBe("agent")
      expect(taken.assignedAgentId).toEqual(Option.some(agent.id))
      const reply = yield* handoff.agentReply(agent, id, "Hola, soy Ana. ¿En qué te ayudo?", Ids.ClientMessageId.make("a1"))
      const replyAgain = yield* handoff.agentReply(agent, id, "Hola, soy Ana. ¿En qué te ayudo?", Ids.ClientMessageId.make("a1"))
      expect(replyAgain.id).toBe(reply.id)

      const back = yield* handoff.handBack(agent, id)
      expect(back.status).toBe("bot")
      yield* finish(yield* chat.send({ shopId, visitorId: alice, text: "gracias", conversationId: id }))
      expect(world.bot.turns()).toBe(2)

      const messages = yield* store.listMessages(id, { limit: 50 })
      expect(messages.map((m) => m.role)).toEqual(["visitor", "bot", "system", "visitor", "system", "agent", "system", "visitor", "bot"])
      const system = messages.filter((m) => m.role === "system").map((m) => m.text)
      expect(system[0]).toMatch(/persona de nuestro equipo/)
      expect(system[1]).toBe("Ana, de nuestro equipo, se ha unido a la conversación.")
      expect(system[2]).toMatch(/^Ana ha salido/)
    }).pipe(Effect.provide(world.layer))
  })

  it.effect("refuses invalid transitions, foreign staff and replies without taking over", () =>
    Effect.gen(function*() {
      const chat = yield* Chat
      const handoff = yield* Handoff
      const turn = yield* chat.send({ shopId, visitorId: alice, text: "hi" })
      yield* finish(turn)
      const id = turn.conversation.id
      expect((yield* Effect.flip(handoff.handBack(agent, id)))._tag).toBe("InvalidTransition")
      expect((yield* Effect.flip(handoff.agentReply(agent, id, "hello"))). _tag).toBe("NotPermitted")
      expect((yield* Effect.flip(handoff.takeOver(foreignAgent, id)))._tag).toBe("ConversationNotFound")
      expect((yield* Effect.flip(handoff.requestHuman(shopId, bob, id)))._tag).toBe("ConversationNotFound")
    }).pipe(Effect.provide(makeWorld().layer)))

  it.effect("tells everyone following a conversation who is typing: its visitor, or staff of its shop; no one else", () =>
    Effect.gen(function*() {
      const chat = yield* Chat
      const handoff = yield* Handoff
      const hub = yield* RealtimeHub
      const turn = yield* chat.send({ shopId, visitorId: alice, text: "hi" })
      yield* finish(turn)
      const id = turn.conversation.id
      const heard: Array<ChatEvent.ChatEvent> = []
      yield* hub.subscribeConversation(id, (event) => { heard.push(event) })
      yield* handoff.typing({ _tag: "Visitor", shopId, visitorId: alice }, id, true)
      yield* handoff.typing({ _tag: "Staff", admin: agent }, id, true)
      yield* handoff.typing({ _tag: "Visitor", shopId, visitorId: alice }, id, false)
      expect((yield* Effect.flip(handoff.typing({ _tag: "Visitor", shopId, visitorId: bob }, id, true)))._tag).toBe("ConversationNotFound")
      expect((yield* Effect.flip(handoff.typing({ _tag: "Staff", admin: foreignAgent }, id, true)))._tag).toBe("ConversationNotFound")
      expect(heard.map((e) => e._tag === "typing" ? `${e.from}:${e.typing}` : e._tag)).toEqual(["visitor:true", "agent:true", "visitor:false"])
    }).pipe(Effect.scoped, Effect.provide(makeWorld().layer)))

  it.effect("a closed conversation reopens with the bot when the visitor writes again", () =>
    Effect.gen(function*() {
      const chat = yield* Chat
      const handoff = yield* Handoff
      const turn = yield* chat.send({ shopId, visitorId: alice, text: "hi" })
      yield* finish(turn)
      const closed = yield* handoff.close({ _tag: "Visitor", shopId, visitorId: alice }, turn.conversation.id)
      expect(closed.status).toBe("closed")
      const again = yield* chat.send({ shopId, visitorId: alice, text: "one more thing", conversationId: turn.conversation.id })
      expect(again.conversation.status).toBe("bot")
      const all = yield* finish(again)
      expect(all.at(-1)).toMatchObject({ status: "complete" })
    }).pipe(Effect.provide(makeWorld().layer)))
})

describe("History", () => {
  it.effect("a visitor reads only their own conversation; staff search only their shops", () =>
    Effect.gen(function*() {
      const chat = yield* Chat
      const history = yield* History
      const mine = yield* chat.send({ shopId, visitorId: alice, text: "where is my order" })
      const theirs = yield* chat.send({ shopId, visitorId: bob, text: "do you sell boots" })
      yield* chat.awaitIdle

      const transcript = yield* history.visitorTranscript(shopId, alice, mine.conversation.id)
      expect(transcript.messages.map((m) => m.role)).toEqual(["visitor", "bot"])
      expect((yield* Effect.flip(history.visitorTranscript(shopId, alice, theirs.conversation.id)))._tag).toBe("ConversationNotFound")
      const latest = yield* history.latestTranscript(shopId, bob)
      expect(Option.map(latest, (t) => t.conversation.id)).toEqual(Option.some(theirs.conversation.id))

      const found = yield* history.search(agent, { text: "boots", limit: 10 })
      expect(found.items.map((s) => s.conversation.id)).toEqual([theirs.conversation.id])
      const none = yield* history.search(foreignAgent, { limit: 10 })
      expect(none.items).toHaveLength(0)
      expect((yield* Effect.flip(history.search(foreignAgent, { shopIds: [shopId], limit: 10 })))._tag).toBe("NotPermitted")
      expect((yield* Effect.flip(history.staffTranscript(foreignAgent, mine.conversation.id)))._tag).toBe("ConversationNotFound")
      const staff = yield* history.staffTranscript(agent, mine.conversation.id)
      expect(staff.messages).toHaveLength(2)
    }).pipe(Effect.provide(makeWorld().layer)))
})
