import type { HttpClientRequest } from "@effect/platform"
import type { BotEventSink, BotTurn, Errors, ToolOutputs } from "@chatbot-node/domain"
import { Duration, Effect, Option, type Redacted } from "effect"
import type { ChatProgress } from "./CozeChatEvents.js"
import { read } from "./CozeChatReader.js"
import { abandon, guard } from "./CozeChatLifecycle.js"
import { chatRequest, type CozeDeps, toolOutputsRequest } from "./CozeDeps.js"
import * as CozeErrors from "./CozeErrors.js"
import * as CozeRetry from "./CozeRetry.js"

/** A failure of the caller's sink, kept apart from Coze's own so that it is neither retried nor logged as Coze's. */
class SinkFailure<E> {
  constructor(readonly error: E) {}
}

/**
 * One streamed chat request (a new turn or tool outputs), retried before any text, timed out on a
 * slow first event or a silent stream, serialised per conversation and cancelled when abandoned.
 */
const run = <E>(
  deps: CozeDeps,
  session: string,
  path: string,
  conversationId: Option.Option<string>,
  request: (token: Redacted.Redacted<string>) => HttpClientRequest.HttpClientRequest,
  start: () => ChatProgress,
  onEvents: BotEventSink.BotEventSink<E>
): Effect.Effect<void, Errors.BotGatewayError | E> =>
  Effect.suspend(() => {
    let progress = start()
    const current = () => progress
    let committed = false
    const sink: BotEventSink.BotEventSink<SinkFailure<E>> = (events) => {
      if (!committed) for (const e of events) committed ||= e._tag === "TextDelta" || e._tag === "AnswerCompleted"
      return Effect.mapError(onEvents(events), (error) => new SinkFailure(error))
    }

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
      }, sink)
    }

    const retried = CozeRetry.effect(deps.auth, deps.options, session, attempt, {
      retryable: () => !committed,
      beforeRetry: abandon(deps, session, current)
    })
    return guard(deps, session, conversationId, current, retried).pipe(
      Effect.catchAll((e) => Effect.fail(e instanceof SinkFailure ? e.error : e))
    )
  })

/** `POST /v3/chat` with `stream: true` for a visitor's turn. */
export const streamTurn = <E>(deps: CozeDeps, turn: BotTurn, onEvents: BotEventSink.BotEventSink<E>) =>
  run(
    deps,
    turn.visitorId,
    "/v3/chat",
    turn.upstreamConversationId,
    chatRequest(turn, true),
    () => ({ conversationId: Option.getOrUndefined(turn.upstreamConversationId), chatId: undefined, terminal: false }),
    onEvents
  )

/** `POST /v3/chat/submit_tool_outputs` with `stream: true`: the chat goes on from `requires_action`. */
export const streamToolOutputs = <E>(deps: CozeDeps, outputs: ToolOutputs, onEvents: BotEventSink.BotEventSink<E>) =>
  run(
    deps,
    outputs.visitorId,
    "/v3/chat/submit_tool_outputs",
    Option.some(outputs.upstreamConversationId),
    toolOutputsRequest(outputs, true),
    () => ({ conversationId: outputs.upstreamConversationId, chatId: outputs.chatId, terminal: false }),
    onEvents
  )
