import { ChatErrors, type Locale, type RealtimeEvents } from "@chatbot-node/domain"
import { Cause, Effect, Exit, Option, ParseResult, Schema } from "effect"

/** A refusal at the socket edge (bad payload, over the rate limit, not signed in), acknowledged as is. */
export class SocketRefusal extends Schema.TaggedError<SocketRefusal>()("SocketRefusal", {
  code: Schema.String,
  message: Schema.String
}) {}

/** What an event handler may fail with. */
export type HandlerFailure = SocketRefusal | ChatErrors.ChatFailure

/** Decodes a payload, or refuses it naming the first path that is wrong (never echoing the input). */
export const decode = <A, I>(schema: Schema.Schema<A, I>, payload: unknown) =>
  Schema.decodeUnknown(schema, { errors: "first", onExcessProperty: "ignore" })(payload).pipe(
    Effect.mapError((e) => {
      const issue = ParseResult.ArrayFormatter.formatErrorSync(e)[0]
      const where = issue === undefined || issue.path.length === 0 ? "" : ` (${issue.path.join(".")})`
      return new SocketRefusal({ code: "bad_request", message: `The request is not valid${where}.` })
    })
  )

/** The acknowledgement of a failure: a stable code and a sentence in the client's language. */
export const ackError = (failure: HandlerFailure, locale: Locale.Locale): RealtimeEvents.AckError => {
  if (failure._tag === "SocketRefusal") return { code: failure.code, message: failure.message }
  const event = ChatErrors.toErrorEvent(failure, locale)
  return { code: event.code, message: event.message }
}

/** The last argument of an event, when the client asked for an acknowledgement. */
export const ackOf = (args: ReadonlyArray<unknown>): Option.Option<(value: unknown) => void> => {
  const last = args.at(-1)
  return typeof last === "function" ? Option.some(last as (value: unknown) => void) : Option.none()
}

/** Runs a handler and acknowledges its outcome: `{ok: true, ...data}`, or `{ok: false, error}`. */
export const acknowledged = <A extends object, R>(
  handler: Effect.Effect<A, HandlerFailure, R>,
  ack: Option.Option<(value: unknown) => void>,
  locale: Locale.Locale
): Effect.Effect<void, never, R> =>
  Effect.exit(handler).pipe(
    Effect.flatMap((exit) => {
      const answer = Exit.match(exit, {
        onSuccess: (data) => ({ ok: true, ...data }),
        onFailure: (cause) => {
          const failure = Cause.failureOption(cause)
          if (Option.isSome(failure)) return { ok: false, error: ackError(failure.value, locale) }
          return { ok: false, error: { code: "internal", message: "Something went wrong. Please try again." } }
        }
      })
      const log = Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause) && Option.isNone(Cause.failureOption(exit.cause))
        ? Effect.logError("socket handler failed", exit.cause)
        : Effect.void
      return Effect.zipRight(log, Effect.sync(() => Option.map(ack, (f) => f(answer))))
    })
  )
