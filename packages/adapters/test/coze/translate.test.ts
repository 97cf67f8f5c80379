import type { BotEvent } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, FastCheck } from "effect"
import { makeTranslator } from "../../src/coze/CozeChatEvents.js"
import type { SseMessage } from "../../src/sse/SseFrame.js"

const chat = { id: "7000000000000000002", conversation_id: "7000000000000000001", status: "in_progress" }
const delta = (id: string, content: string): SseMessage => ({
  event: "conversation.message.delta",
  data: JSON.stringify({ id, conversation_id: chat.conversation_id, role: "assistant", type: "answer", content, content_type: "text" })
})
const created: SseMessage = { event: "conversation.chat.created", data: JSON.stringify(chat) }
const completed: SseMessage = { event: "conversation.chat.completed", data: JSON.stringify({ ...chat, status: "completed" }) }
const error: SseMessage = { event: "error", data: JSON.stringify({ code: 4000, msg: "bad request" }) }

/** Where `length` events are cut into chunks of the given sizes (what successive reads of the response held). */
const cutsOf = (length: number, sizes: ReadonlyArray<number>) => {
  const out: Array<{ start: number; end: number }> = []
  let start = 0
  for (const size of [...sizes, length]) {
    if (start >= length) break
    out.push({ start, end: Math.min(length, start + size) })
    start += size
  }
  return out
}

/**
 * The events out of a translator fed `events` in batches of the given sizes (what successive reads
 * of the response held), and the error that ended the chat, or the stream's end, if any.
 */
const translated = (events: ReadonlyArray<SseMessage>, sizes: ReadonlyArray<number>) => {
  const translator = makeTranslator({ conversationId: undefined, chatId: undefined, terminal: false }, { path: "/v3/chat" })
  const out: Array<BotEvent.BotEvent> = []
  for (const cut of cutsOf(events.length, sizes)) {
    const batch = translator.push(events.slice(cut.start, cut.end))
    out.push(...batch.events)
    if (batch.end === "done") return { out, end: Either.right(out) }
    if (batch.end !== "more") return { out, end: Either.left(batch.end.error) }
  }
  const ended = translator.ended()
  return { out, end: ended._tag === "Some" ? Either.left(ended.value.error) : Either.right(out) }
}

const run = (events: ReadonlyArray<SseMessage>, sizes: ReadonlyArray<number>) => Effect.succeed(translated(events, sizes).end)

const textOf = (events: ReadonlyArray<BotEvent.BotEvent>, messageId: string) =>
  events.flatMap((e) => (e._tag === "TextDelta" && e.messageId === messageId ? [e.text] : [])).join("")

const pieces = FastCheck.array(FastCheck.string({ minLength: 1, maxLength: 6, unit: "grapheme" }), { minLength: 1, maxLength: 30 })
const sizes = FastCheck.array(FastCheck.integer({ min: 1, max: 12 }), { maxLength: 30 })

describe("CozeChatEvents.makeTranslator, a batch (one read of the response) at a time", () => {
  it.effect.prop("however the events are chunked: each message's text is whole and in order, deltas of two messages never merge, and a chunk gives one delta per run of one message's deltas", [pieces, pieces, sizes], ([first, second, cuts]) =>
    Effect.gen(function*() {
      const events = [created, ...first.map((p) => delta("m1", p)), ...second.map((p) => delta("m2", p)), completed]
      const out = Either.getOrThrow(yield* run(events, cuts))
      expect(textOf(out, "m1")).toBe(first.join(""))
      expect(textOf(out, "m2")).toBe(second.join(""))
      const deltas = out.filter((e) => e._tag === "TextDelta")
      let runs = 0
      for (const chunk of cutsOf(events.length, cuts)) {
        let previous: string | undefined
        for (const e of events.slice(chunk.start, chunk.end)) {
          const id = e.event === "conversation.message.delta" ? (JSON.parse(e.data) as { id: string }).id : undefined
          if (id !== undefined && id !== previous) runs++
          previous = id
        }
      }
      expect(deltas.length).toBe(runs)
      expect(deltas.findIndex((e) => e.messageId === "m2")).toBeGreaterThanOrEqual(deltas.findLastIndex((e) => e.messageId === "m1"))
      expect(out[0]!._tag).toBe("TurnStarted")
      expect(out.at(-1)!._tag).toBe("TurnCompleted")
    }))

  it.effect.prop("an error event ends the chat only after the text before it, in whatever chunk it comes", [pieces, sizes], ([before, cuts]) =>
    Effect.gen(function*() {
      const events = [created, ...before.map((p) => delta("m1", p)), error, delta("m1", "never shown")]
      const { out: seen, end } = translated(events, cuts)
      expect(Either.isLeft(end) && end.left.code).toBe(4000)
      expect(textOf(seen, "m1")).toBe(before.join(""))
    }))

  it.effect("deltas that come in separate reads stay separate (nothing waits to be merged)", () =>
    Effect.gen(function*() {
      const out = Either.getOrThrow(yield* run([created, delta("m1", "a"), delta("m1", "b"), delta("m1", "c"), completed], [1, 1, 1, 1, 1]))
      expect(out.filter((e) => e._tag === "TextDelta").map((e) => e._tag === "TextDelta" && e.text)).toEqual(["a", "b", "c"])
    }))

  it.effect("a response that ends before the chat is over fails after its text", () =>
    Effect.gen(function*() {
      const exit = yield* run([created, delta("m1", "half")], [2])
      expect(Either.isLeft(exit) && exit.left.reason).toBe("unavailable")
    }))

  it.effect("a delta without a type is answer text; one of another type, or without content, shows nothing", () =>
    Effect.gen(function*() {
      const bare = (data: object): SseMessage => ({ event: "conversation.message.delta", data: JSON.stringify(data) })
      const out = Either.getOrThrow(yield* run([
        created,
        bare({ id: "m1", content: "typeless " }),
        bare({ id: "m1", type: "answer", content: null }),
        bare({ id: "m1", type: "verbose", content: "hidden" }),
        bare({ id: "m1", type: "answer" }),
        delta("m1", "text"),
        completed
      ], [10]))
      expect(textOf(out, "m1")).toBe("typeless text")
    }))

  it.effect("a delta without an id is malformed", () =>
    Effect.gen(function*() {
      const exit = yield* run([created, { event: "conversation.message.delta", data: JSON.stringify({ type: "answer", content: "x" }) }], [10])
      expect(Either.isLeft(exit) && exit.left.message).toContain("malformed")
    }))
})

describe("CozeChatEvents.makeTranslator, ids written as bare numbers", () => {
  it("keeps a 19-digit id that Coze writes unquoted exact, in deltas and in the chat's ids", () => {
    const bare = (json: string): SseMessage => ({ event: "conversation.message.delta", data: json })
    const events: Array<SseMessage> = [
      { event: "conversation.chat.created", data: `{"id":7000000000000000003,"conversation_id":7000000000000000001,"status":"in_progress"}` },
      bare(`{"id":7000000000000000009,"conversation_id":7000000000000000001,"type":"answer","content":"Hola"}`),
      bare(`{"id":"7000000000000000009","type":"answer","content":" amigo"}`),
      completed
    ]
    const result = translated(events, [events.length])
    const out = Either.getOrThrow(result.end)
    expect(out[0]).toMatchObject({ _tag: "TurnStarted", upstreamConversationId: "7000000000000000001", chatId: "7000000000000000003" })
    expect(textOf(out, "7000000000000000009")).toBe("Hola amigo")
  })
})
