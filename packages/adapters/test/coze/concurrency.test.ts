import { BotGateway } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Option, Stream } from "effect"
import { collect, gatewayLayer, patOptions, tags, turn, useSimulator, stream } from "./support.js"

const sim = useSimulator()
const run = <A, E>(effect: Effect.Effect<A, E, BotGateway>) => Effect.provide(effect, gatewayLayer(patOptions(sim())))

const conversationOf = (events: ReadonlyArray<{ readonly _tag: string }>) => {
  const started = events.find((e) => e._tag === "TurnStarted") as { upstreamConversationId: string } | undefined
  return started!.upstreamConversationId
}

describe("Coze gateway: one running chat per conversation, cancel on interruption", () => {
  it.live("two concurrent turns on one upstream conversation run one after the other (no 4016)", () =>
    run(Effect.gen(function*() {
      const conversationId = conversationOf(yield* collect(turn(sim().bots.plain, "first")))
      sim().pace({ firstTokenMs: 30, tokensPerSecond: 100 })
      const [a, b] = yield* Effect.all(
        [
          collect(turn(sim().bots.plain, "second", { upstreamConversationId: Option.some(conversationId) })),
          collect(turn(sim().bots.plain, "third", { upstreamConversationId: Option.some(conversationId) }))
        ],
        { concurrency: "unbounded" }
      ).pipe(Effect.ensuring(Effect.sync(() => sim().pace(undefined))))
      expect(tags(a).at(-1)).toBe("TurnCompleted")
      expect(tags(b).at(-1)).toBe("TurnCompleted")
      const kinds = sim().conversations.get(conversationId)!.messages
        .filter((m) => m.type === "question" || m.type === "answer")
        .map((m) => m.type)
      expect(kinds).toEqual(["question", "answer", "question", "answer", "question", "answer"])
    })))

  it.live("interrupting the consumer after text cancels the upstream chat and frees the conversation", () =>
    run(Effect.gen(function*() {
      const gateway = yield* BotGateway
      const conversationId = conversationOf(yield* collect(turn(sim().bots.plain, "first")))
      sim().pace({ firstTokenMs: 10, tokensPerSecond: 5 })
      const cancels = sim().stats.cancels
      const gotText = yield* Deferred.make<void>()
      let chatId = ""
      const fiber = yield* stream(gateway, turn(sim().bots.plain, "a question with a long answer", {
        upstreamConversationId: Option.some(conversationId)
      })).pipe(
        Stream.runForEach((e) =>
          e._tag === "TurnStarted"
            ? Effect.sync(() => (chatId = e.chatId))
            : e._tag === "TextDelta"
            ? Deferred.succeed(gotText, undefined)
            : Effect.void
        ),
        Effect.fork
      )
      yield* Deferred.await(gotText)
      yield* Fiber.interrupt(fiber)
      sim().pace(undefined)
      expect(sim().stats.cancels).toBe(cancels + 1)
      const chat = sim().conversations.get(conversationId)!
      expect(chat.runningChatId).toBeUndefined()
      expect(chat.messages.filter((m) => m.chat_id === chatId && m.type === "answer")).toHaveLength(0)
      const next = yield* collect(turn(sim().bots.plain, "again", { upstreamConversationId: Option.some(conversationId) }))
      expect(tags(next).at(-1)).toBe("TurnCompleted")
    })))

  it.live("a consumer that stops early (take) cancels the chat too; a finished chat is never cancelled", () =>
    run(Effect.gen(function*() {
      const gateway = yield* BotGateway
      sim().pace({ firstTokenMs: 10, tokensPerSecond: 20 })
      const cancels = sim().stats.cancels
      yield* Stream.runDrain(Stream.take(stream(gateway, turn(sim().bots.plain, "stop me")), 2))
      sim().pace(undefined)
      expect(sim().stats.cancels).toBe(cancels + 1)
      yield* collect(turn(sim().bots.plain, "finish me"))
      expect(sim().stats.cancels).toBe(cancels + 1)
    })))
})
