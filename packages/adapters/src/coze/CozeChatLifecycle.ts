import { HttpClientRequest } from "@effect/platform"
import type { Errors } from "@chatbot-node/domain"
import { Effect, Option, Schema } from "effect"
import type { ChatProgress } from "./CozeChatEvents.js"
import type { CozeDeps } from "./CozeDeps.js"
import * as CozeRetry from "./CozeRetry.js"

const cancelPath = "/v3/chat/cancel"

/** Cancels a chat (`POST /v3/chat/cancel`, ids in the body); a chat already over (4104) counts as cancelled. */
export const cancelChat = (
  deps: CozeDeps,
  session: string,
  conversationId: string,
  chatId: string
): Effect.Effect<void, Errors.BotGatewayError> =>
  CozeRetry.effect(deps.auth, deps.options, session, (token) =>
    deps.http.json(
      HttpClientRequest.post(cancelPath).pipe(
        HttpClientRequest.bearerToken(token),
        HttpClientRequest.bodyUnsafeJson({ conversation_id: conversationId, chat_id: chatId })
      ),
      cancelPath,
      Schema.Unknown
    )).pipe(
      Effect.asVoid,
      Effect.catchIf((e) => e.code === 4104, () => Effect.void)
    )

/** Cancels the chat of `progress` if it started and is not over; never fails. */
export const abandon = (deps: CozeDeps, session: string, progress: () => ChatProgress): Effect.Effect<void> =>
  Effect.suspend(() => {
    const { chatId, conversationId, terminal } = progress()
    if (terminal || chatId === undefined || conversationId === undefined) return Effect.void
    return cancelChat(deps, session, conversationId, chatId).pipe(
      Effect.timeout(deps.options.requestTimeout),
      Effect.tap(() => Effect.logDebug("Coze chat cancelled").pipe(Effect.annotateLogs({ chatId, conversationId }))),
      Effect.catchAllCause((cause) =>
        Effect.logWarning("Coze chat could not be cancelled", cause).pipe(Effect.annotateLogs({ chatId, conversationId }))
      )
    )
  })

/**
 * Runs a chat call holding the conversation's lock (when it has one), and cancels the upstream
 * chat if the call ends before the chat is over (the visitor left, the server shuts down, an error).
 */
export const guard = <A, E>(
  deps: CozeDeps,
  session: string,
  conversationId: Option.Option<string>,
  progress: () => ChatProgress,
  call: Effect.Effect<A, E>
): Effect.Effect<A, E> => {
  const guarded = Effect.ensuring(call, abandon(deps, session, progress))
  return Option.match(conversationId, {
    onNone: () => guarded,
    onSome: (id) => deps.locks.withLock(id)(guarded)
  })
}
