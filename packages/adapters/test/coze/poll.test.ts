import { BotGateway, type BotEvent, Ids } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Option, Stream } from "effect"
import { collect, deltaText, gatewayLayer, patOptions, tags, turn, useSimulator, stream, toolStream } from "./support.js"

const sim = useSimulator()
const run = <A, E>(effect: Effect.Effect<A, E, BotGateway>) =>
  Effect.provide(effect, gatewayLayer(patOptions(sim(), { mode: "poll" })))

const paths = (from: number) => sim().stats.requests.slice(from).map((r) => `${r.method} ${r.path}`)

describe("Coze gateway, polled chat (JSON endpoint) against the simulator", () => {
  it.live("create, retrieve until completed, list messages: the same events as a stream", () =>
    run(Effect.gen(function*() {
      const from = sim().stats.requests.length
      const events = yield* collect(turn(sim().bots.followUps, "Do you have boots?"))
      expect(tags(events)).toEqual([
        "TurnStarted",
        "TextDelta",
        "AnswerCompleted",
        "FollowUp",
        "FollowUp",
        "FollowUp",
        "TurnCompleted"
      ])
      expect(deltaText(events)).toContain("Do you have boots?")
      const done = events.at(-1) as Extract<BotEvent.BotEvent, { _tag: "TurnCompleted" }>
      expect(Option.isSome(done.usage)).toBe(true)
      const seen = paths(from)
      expect(seen[0]).toBe("POST /v3/chat")
      expect(seen).toContain("GET /v3/chat/retrieve")
      expect(seen.at(-1)).toBe("GET /v3/chat/message/list")
    })))

  it.live("function-call bot: FunctionCalled and ToolResponded from the message list", () =>
    run(Effect.gen(function*() {
      const events = yield* collect(turn(sim().bots.functionCall, "sneakers"))
      const called = events.find((e) => e._tag === "FunctionCalled")
      expect(called?._tag === "FunctionCalled" && called.call.arguments).toEqual({ query: "sneakers", limit: 3 })
      expect(tags(events)).toContain("ToolResponded")
      expect(tags(events).at(-1)).toBe("TurnCompleted")
    })))

  it.live("tool-call bot: requires_action ends the poll; tool outputs (stream false) continue it", () =>
    run(Effect.gen(function*() {
      const gateway = yield* BotGateway
      const first = yield* collect(turn(sim().bots.toolCall, "red shoes"))
      const required = first.at(-1)
      if (required?._tag !== "ToolCallsRequired") throw new Error(`expected ToolCallsRequired, got ${tags(first)}`)
      const rest = Chunk.toReadonlyArray(
        yield* Stream.runCollect(toolStream(gateway, {
          botId: Ids.BotId.make(sim().bots.toolCall),
          visitorId: Ids.VisitorId.make("visitor-1"),
          upstreamConversationId: required.upstreamConversationId,
          chatId: required.chatId,
          outputs: required.calls.map((c) => ({ toolCallId: c.id, output: "Crimson runner" }))
        }))
      )
      expect(deltaText(rest)).toContain("Crimson runner")
      expect(tags(rest).at(-1)).toBe("TurnCompleted")
    })))

  it.live("a chat canceled while polled stops the poll with a typed error", () =>
    run(Effect.gen(function*() {
      const gateway = yield* BotGateway
      sim().pace({ firstTokenMs: 200, tokensPerSecond: 4 })
      const error = yield* stream(gateway, turn(sim().bots.plain, "a question that takes a while")).pipe(
        Stream.tap((e) => e._tag === "TurnStarted" ? gateway.cancel(e.upstreamConversationId, e.chatId) : Effect.void),
        Stream.runDrain,
        Effect.flip,
        Effect.ensuring(Effect.sync(() => sim().pace(undefined)))
      )
      expect(error).toMatchObject({ _tag: "BotGatewayError", reason: "unknown" })
      expect(error.message).toContain("canceled")
    })))
})
