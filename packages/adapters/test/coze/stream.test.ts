import { BotGateway, type BotEvent, Ids } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Option, Stream } from "effect"
import { collect, deltaText, gatewayLayer, patOptions, tags, turn, useSimulator, toolStream } from "./support.js"

const sim = useSimulator()
const run = <A, E>(effect: Effect.Effect<A, E, BotGateway>) => Effect.provide(effect, gatewayLayer(patOptions(sim())))

const only = <T extends BotEvent.BotEvent["_tag"]>(events: ReadonlyArray<BotEvent.BotEvent>, tag: T) =>
  events.filter((e): e is Extract<BotEvent.BotEvent, { _tag: T }> => e._tag === tag)

describe("Coze gateway, streamed chat against the simulator", () => {
  it.live("plain bot: TurnStarted, deltas of one message, AnswerCompleted, TurnCompleted with usage", () =>
    run(Effect.gen(function*() {
      const events = yield* collect(turn(sim().bots.plain, "Do you ship to Berlin?"))
      expect(tags(events)[0]).toBe("TurnStarted")
      expect(tags(events).at(-1)).toBe("TurnCompleted")
      const [started] = only(events, "TurnStarted")
      expect(started!.upstreamConversationId).toMatch(/^\d{19}$/)
      expect(started!.chatId).toMatch(/^\d{19}$/)
      const deltas = only(events, "TextDelta")
      expect(deltas.length).toBeGreaterThan(0)
      expect(new Set(deltas.map((d) => d.messageId)).size).toBe(1)
      const [completed] = only(events, "AnswerCompleted")
      expect(completed!.messageId).toBe(deltas[0]!.messageId)
      expect(completed!.text).toBe(deltaText(events))
      expect(completed!.text).toContain("Do you ship to Berlin?")
      const [done] = only(events, "TurnCompleted")
      expect(Option.getOrThrow(done!.usage).outputTokens).toBeGreaterThanOrEqual(deltas.length)
      // the conversation upstream holds exactly our question and the answer (verbose ignored by us)
      const stored = sim().conversations.get(started!.upstreamConversationId)!.messages
      expect(stored.filter((m) => m.type === "question").map((m) => m.content)).toEqual(["Do you ship to Berlin?"])
    })))

  it.live("deltas that arrive apart are passed on apart; those that arrive together become one", () =>
    run(Effect.gen(function*() {
      // Paced: every token comes in its own read, so each is its own delta (no waiting to merge).
      sim().fault({ kind: "slowTokens", msPerToken: 15 })
      const paced = yield* collect(turn(sim().bots.plain, "Do you ship to Berlin?"))
      const tokens = Option.getOrThrow(only(paced, "TurnCompleted")[0]!.usage).outputTokens
      expect(tokens).toBeGreaterThan(3)
      expect(only(paced, "TextDelta").length).toBe(tokens)
      // Unpaced: the same answer in fewer deltas, the text unchanged.
      const unpaced = yield* collect(turn(sim().bots.plain, "Do you ship to Berlin?"))
      expect(only(unpaced, "TextDelta").length).toBeLessThan(tokens)
      expect(deltaText(unpaced)).toBe(deltaText(paced))
    })))

  it.live("continues an upstream conversation and sends visitor, locale and context", () =>
    run(Effect.gen(function*() {
      const first = yield* collect(turn(sim().bots.plain, "hello"))
      const conversationId = only(first, "TurnStarted")[0]!.upstreamConversationId
      const second = yield* collect(
        turn(sim().bots.plain, "¿Tienen zapatos rojos?", {
          upstreamConversationId: Option.some(conversationId),
          locale: "es",
          context: { page: "/p/1", productId: "7000000000000000777" }
        })
      )
      expect(only(second, "TurnStarted")[0]!.upstreamConversationId).toBe(conversationId)
      expect(deltaText(second)).toContain("Gracias")
      expect(sim().conversations.get(conversationId)!.messages.filter((m) => m.type === "question")).toHaveLength(2)
    })))

  it.live("markup bot: the function-call markup reaches the domain untouched in the deltas", () =>
    run(Effect.gen(function*() {
      const events = yield* collect(turn(sim().bots.markup, "red shoes"))
      const text = deltaText(events)
      expect(text).toContain("<|FunctionCallBegin|>")
      expect(text).toContain("<|FunctionCallEnd|>")
      expect(only(events, "AnswerCompleted")[0]!.text).toBe(text)
    })))

  it.live("follow-ups bot: three FollowUp events after the answer", () =>
    run(Effect.gen(function*() {
      const events = yield* collect(turn(sim().bots.followUps, "Do you have boots?"))
      const follow = only(events, "FollowUp")
      expect(follow).toHaveLength(3)
      expect(tags(events).indexOf("FollowUp")).toBeGreaterThan(tags(events).indexOf("AnswerCompleted"))
      expect(tags(events).at(-1)).toBe("TurnCompleted")
    })))

  it.live("function-call bot: FunctionCalled (19-digit numbers kept exact), ToolResponded, then the answer", () =>
    run(Effect.gen(function*() {
      const events = yield* collect(turn(sim().bots.functionCall, "sneakers"))
      expect(tags(events)).toEqual(expect.arrayContaining(["FunctionCalled", "ToolResponded", "AnswerCompleted"]))
      expect(tags(events).indexOf("FunctionCalled")).toBeLessThan(tags(events).indexOf("ToolResponded"))
      const [called] = only(events, "FunctionCalled")
      expect(called!.call.name).toBe("shop_catalog-get_product_list")
      expect(called!.call.arguments).toEqual({ query: "sneakers", limit: 3 })
      const [responded] = only(events, "ToolResponded")
      expect(JSON.parse(responded!.text)).toMatchObject({ type_for_model: 1 })
    })))

  it.live("tool-call bot: ToolCallsRequired, then submitToolOutputs continues to an answer", () =>
    run(Effect.gen(function*() {
      const gateway = yield* BotGateway
      const first = yield* collect(turn(sim().bots.toolCall, "red shoes"))
      expect(tags(first)).toEqual(["TurnStarted", "ToolCallsRequired"])
      const [required] = only(first, "ToolCallsRequired")
      expect(required!.calls).toHaveLength(1)
      expect(required!.calls[0]!.name).toBe("get_product_list")
      expect(required!.calls[0]!.arguments).toEqual({ query: "red shoes", limit: 3 })
      const submitsBefore = sim().stats.submits
      const rest = Chunk.toReadonlyArray(
        yield* Stream.runCollect(toolStream(gateway, {
          botId: Ids.BotId.make(sim().bots.toolCall),
          visitorId: Ids.VisitorId.make("visitor-1"),
          upstreamConversationId: required!.upstreamConversationId,
          chatId: required!.chatId,
          outputs: [{ toolCallId: required!.calls[0]!.id, output: "Crimson runner 7000000000000000999" }]
        }))
      )
      expect(sim().stats.submits).toBe(submitsBefore + 1)
      expect(deltaText(rest)).toContain("Crimson runner 7000000000000000999")
      expect(tags(rest).at(-1)).toBe("TurnCompleted")
    })))

  it.live("19-digit ids stay exact strings end to end", () =>
    run(Effect.gen(function*() {
      const events = yield* collect(turn(sim().bots.plain, "hi"))
      const [started] = only(events, "TurnStarted")
      const [completed] = only(events, "AnswerCompleted")
      const chat = sim().conversations.get(started!.upstreamConversationId)!
      const answer = chat.messages.find((m) => m.type === "answer")!
      expect(completed!.messageId).toBe(answer.id)
      expect(answer.id).toMatch(/^\d{19}$/)
      expect(BigInt(answer.id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true)
    })))

  it.live("an unpublished bot fails typed as not_published (4015), with Coze's log id", () =>
    run(Effect.gen(function*() {
      const error = yield* Effect.flip(collect(turn(sim().bots.unpublished, "hi")))
      expect(error).toMatchObject({ _tag: "BotGatewayError", reason: "not_published", code: 4015 })
      expect(error.logId).toBeTruthy()
    })))
})
