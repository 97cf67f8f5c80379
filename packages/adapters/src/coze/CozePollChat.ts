import { HttpClientRequest } from "@effect/platform"
import { BotEvent, type BotEventSink, type BotTurn, type Errors, type ToolOutputs } from "@chatbot-node/domain"
import { Duration, Effect, Option, type Redacted, Schema } from "effect"
import { type ChatProgress, completedMessage, failureOf, toolCallsOf } from "./CozeChatEvents.js"
import { guard } from "./CozeChatLifecycle.js"
import { chatRequest, type CozeDeps, toolOutputsRequest } from "./CozeDeps.js"
import * as CozeErrors from "./CozeErrors.js"
import * as CozeRetry from "./CozeRetry.js"
import { terminalStatuses, toUsage, type WireChat, WireChat as WireChatSchema, WireMessage } from "./CozeWire.js"

const { BotEvent: E } = BotEvent
const maxPollInterval = Duration.seconds(5)

/** A GET on one chat (`conversation_id` and `chat_id` in the query), decoded with `schema`. */
const chatQuery = <A, I>(deps: CozeDeps, session: string, chat: WireChat, path: string, schema: Schema.Schema<A, I>) =>
  CozeRetry.effect(deps.auth, deps.options, session, (token) =>
    deps.http.json(
      HttpClientRequest.get(path).pipe(
        HttpClientRequest.setUrlParams({ conversation_id: chat.conversation_id, chat_id: chat.id }),
        HttpClientRequest.bearerToken(token)
      ),
      path,
      schema
    ))

const retrieve = (deps: CozeDeps, session: string, chat: WireChat) =>
  chatQuery(deps, session, chat, "/v3/chat/retrieve", WireChatSchema)

const messages = (deps: CozeDeps, session: string, chat: WireChat) =>
  chatQuery(deps, session, chat, "/v3/chat/message/list", Schema.Array(WireMessage))

/**
 * Polls retrieve (from `pollInterval`, growing by half up to 5 s; the docs ask for ≥ 1 s) until a
 * terminal status, canceled included.
 */
const settle = (deps: CozeDeps, session: string, chat: WireChat): Effect.Effect<WireChat, Errors.BotGatewayError> => {
  const loop = (current: WireChat, interval: Duration.Duration): Effect.Effect<WireChat, Errors.BotGatewayError> =>
    terminalStatuses.has(current.status ?? "")
      ? Effect.succeed(current)
      : Effect.sleep(interval).pipe(
        Effect.zipRight(retrieve(deps, session, current)),
        Effect.flatMap((next) => loop(next, Duration.min(Duration.times(interval, 1.5), maxPollInterval)))
      )
  return loop(chat, deps.options.pollInterval).pipe(
    Effect.timeoutFail({
      duration: deps.options.pollTimeout,
      onTimeout: () =>
        CozeErrors.timedOut(`the chat did not finish within ${Duration.format(deps.options.pollTimeout)}`, {
          path: "/v3/chat/retrieve"
        })
    })
  )
}

/** The events of a settled chat: its messages (answers as one delta and the whole), then the end. */
const finish = (deps: CozeDeps, session: string, created: WireChat, progress: ChatProgress) =>
  Effect.gen(function*() {
    const chat = yield* settle(deps, session, created)
    progress.terminal = true
    const ctx = { path: "/v3/chat/retrieve" }
    if (chat.status === "failed") {
      const error = failureOf(chat, ctx)
      yield* CozeErrors.logFailure(error, ctx)
      return yield* Effect.fail(error)
    }
    if (chat.status === "canceled") {
      return yield* Effect.fail(CozeErrors.make("unknown", "Coze: the chat was canceled", undefined, ctx))
    }
    const listed = yield* messages(deps, session, chat)
    const events: Array<BotEvent.BotEvent> = []
    for (const message of listed) {
      if (message.type === "answer" && message.content) {
        events.push(E.TextDelta({ messageId: message.id, text: message.content }))
      }
      events.push(...completedMessage(message))
    }
    events.push(chat.status === "requires_action" ? toolCallsOf(chat) : E.TurnCompleted({ usage: toUsage(chat.usage) }))
    return events
  })

const run = <E>(
  deps: CozeDeps,
  session: string,
  path: string,
  conversationId: Option.Option<string>,
  request: (token: Redacted.Redacted<string>) => HttpClientRequest.HttpClientRequest,
  progress: ChatProgress,
  announce: boolean,
  onEvents: BotEventSink.BotEventSink<E>
): Effect.Effect<void, Errors.BotGatewayError | E> => {
  const call = Effect.gen(function*() {
    const chat = yield* CozeRetry.effect(deps.auth, deps.options, session, (token) => deps.http.json(request(token), path, WireChatSchema))
    progress.conversationId = chat.conversation_id
    progress.chatId = chat.id
    if (announce) yield* onEvents([E.TurnStarted({ upstreamConversationId: chat.conversation_id, chatId: chat.id })])
    yield* onEvents(yield* finish(deps, session, chat, progress))
  })
  return guard(deps, session, conversationId, () => progress, call)
}

/** A turn on the JSON endpoint: create (`stream: false`), poll retrieve, then list the chat's messages. */
export const pollTurn = <E>(deps: CozeDeps, turn: BotTurn, onEvents: BotEventSink.BotEventSink<E>) =>
  Effect.suspend(() =>
    run(
      deps,
      turn.visitorId,
      "/v3/chat",
      turn.upstreamConversationId,
      chatRequest(turn, false),
      { conversationId: Option.getOrUndefined(turn.upstreamConversationId), chatId: undefined, terminal: false },
      true,
      onEvents
    )
  )

/** Tool outputs on the JSON endpoint (`stream: false`), then the same polling. */
export const pollToolOutputs = <E>(deps: CozeDeps, outputs: ToolOutputs, onEvents: BotEventSink.BotEventSink<E>) =>
  Effect.suspend(() =>
    run(
      deps,
      outputs.visitorId,
      "/v3/chat/submit_tool_outputs",
      Option.some(outputs.upstreamConversationId),
      toolOutputsRequest(outputs, false),
      { conversationId: outputs.upstreamConversationId, chatId: outputs.chatId, terminal: false },
      false,
      onEvents
    )
  )
