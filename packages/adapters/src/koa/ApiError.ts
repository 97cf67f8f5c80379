import { ChatErrors, type ChatEvent, type Locale } from "@chatbot-node/domain"
import { Data } from "effect"

/** A refusal at the HTTP edge (bad body, missing token, too large...), answered as `{error:{code,message}}`. */
export class ApiError extends Data.TaggedError("ApiError")<{
  readonly status: number
  readonly code: string
  readonly message: string
}> {}

/** The HTTP status for a domain error code. */
export const statusOf = (code: ChatEvent.ChatErrorCode): number => {
  switch (code) {
    case "bad_request":
    case "message_too_long":
      return 400
    case "forbidden":
      return 403
    case "not_found":
      return 404
    case "bot_busy":
      return 409
    case "rate_limited":
      return 429
    case "bot_unavailable":
      return 503
    case "internal":
      return 500
  }
}

/** What the client gets for any failure: a status and a JSON body, the message in the visitor's language. */
export const toResponse = (error: ApiError | ChatErrors.ChatFailure, locale: Locale.Locale) => {
  if (error._tag === "ApiError") return { status: error.status, body: { error: { code: error.code, message: error.message } } }
  const event = ChatErrors.toErrorEvent(error, locale)
  return { status: statusOf(event.code), body: { error: { code: event.code, message: event.message } } }
}
