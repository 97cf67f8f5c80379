import { HttpClientRequest } from "@effect/platform"
import type { BotEvent, BotTurn, Errors, ToolOutputs } from "@chatbot-node/domain"
import { Duration, Option, type Redacted, Stream } from "effect"
import type { ChatProgress } from "./CozeChatEvents.js"
import { read } from "./CozeChatReader.js"
import { abandon, guard } from "./CozeChatLifecycle.js"
import { chatRequest, type CozeDeps, toolOutputsRequest } from "./CozeDeps.js"
import * as CozeErrors from "./CozeErrors.js"
import * as CozeRetry from "./CozeRetry.js"

/**
 * One streamed chat request (a new turn or tool outputs), retried before any text, timed out on a
 * slow first event or a silent stream, serialised per conversation and cancelled when abandoned.
 */
const run = (
  deps: CozeDeps,
  session: string,
  path: string,
  conversationId: Option.Option<string>,
  request: (token: Redacted.Redacted<string>) => HttpClientRequest.HttpClientRequest,
  start: () => ChatProgress
): Stream.Stream<BotEvent.BotEvent, Errors.BotGatewayError> =>
  Stream.suspend(() => {
    let progress = start()
    const current = () => progress

    const attempt = (token: Redacted.Redacted<string>) => {
      const ctx: { path: string; logId?: string | undefined } = { path }
      return read(deps.http.sse(request(token), path), (progress = start()), ctx, {
        first: deps.options.firstEventTimeout,
        idle: deps.options.idleTimeout,
        onTimeout: (first) =>
          CozeErrors.timedOut(
            first
              ? `no event within ${Duration.format(deps.options.firstEventTimeout)}`
              : `the stream was silent for ${Duration.format(deps.options.idleTimeout)}`,
            ctx
          )
      })
    }

    const retried = CozeRetry.stream(
      deps.auth,
      deps.options,
      session,
      attempt,
      (event) => event._tag === "TextDelta" || event._tag === "AnswerCompleted",
      abandon(deps, session, current)
    )
    return guard(deps, session, conversationId, current, retried)
  })

/** `POST /v3/chat` with `stream: true` for a visitor's turn. */
export const streamTurn = (deps: CozeDeps, turn: BotTurn): Stream.Stream<BotEvent.BotEvent, Errors.BotGatewayError> =>
  run(
    deps,
    turn.visitorId,
    "/v3/chat",
    turn.upstreamConversationId,
    chatRequest(turn, true),
    () => ({ conversationId: Option.getOrUndefined(turn.upstreamConversationId), chatId: undefined, terminal: false })
  )

/** `POST /v3/chat/submit_tool_outputs` with `stream: true`: the chat goes on from `requires_action`. */
export const streamToolOutputs = (
  deps: CozeDeps,
  outputs: ToolOutputs
): Stream.Stream<BotEvent.BotEvent, Errors.BotGatewayError> =>
  run(
    deps,
    outputs.visitorId,
    "/v3/chat/submit_tool_outputs",
    Option.some(outputs.upstreamConversationId),
    toolOutputsRequest(outputs, true),
    () => ({ conversationId: outputs.upstreamConversationId, chatId: outputs.chatId, terminal: false })
  )
