import type { Headers, HttpClientError } from "@effect/platform"
import { Errors } from "@chatbot-node/domain"
import { Effect } from "effect"

type Reason = Errors.BotFailureReason

/** What is known about a failed upstream call besides its code. */
export interface FailureContext {
  readonly path: string
  readonly status?: number | undefined
  readonly logId?: string | undefined
  readonly retryAfterMs?: number | undefined
}

const byCode: ReadonlyMap<number, Reason> = new Map<number, Reason>([
  [4000, "bad_request"],
  [4001, "bad_request"],
  [4002, "bad_request"],
  [4003, "bad_request"],
  [4004, "bad_request"],
  [4005, "bad_request"],
  [4006, "bad_request"],
  [4007, "bad_request"],
  [4010, "bad_request"],
  [4008, "throttled"],
  [4009, "throttled"],
  [4020, "throttled"],
  [4012, "model"],
  [4013, "model"],
  [4015, "not_published"],
  [4016, "busy"],
  [4100, "auth"],
  [4101, "permission"],
  [5000, "unavailable"]
])

const byStatus = (status: number): Reason =>
  status === 401
    ? "auth"
    : status === 403
    ? "permission"
    : status === 429
    ? "throttled"
    : status === 408
    ? "timeout"
    : status === 400 || status === 404 || status === 413
    ? "bad_request"
    : status >= 500
    ? "unavailable"
    : "unknown"

/** Builds the domain error with the context's log id and Retry-After. */
export const make = (reason: Reason, message: string, code: number | undefined, ctx: FailureContext) =>
  new Errors.BotGatewayError({
    reason,
    message,
    ...(code !== undefined ? { code } : {}),
    ...(ctx.logId !== undefined ? { logId: ctx.logId } : {}),
    ...(ctx.retryAfterMs !== undefined ? { retryAfterMs: ctx.retryAfterMs } : {})
  })

/** Maps a Coze business code (from an envelope, an `error` event or `last_error`) onto the domain's error. */
export const fromCode = (code: number, msg: string, ctx: FailureContext): Errors.BotGatewayError =>
  make(
    byCode.get(code) ?? (ctx.status !== undefined && ctx.status >= 400 ? byStatus(ctx.status) : "unknown"),
    `Coze ${ctx.path}: ${msg || "error"} (code ${code})`,
    code,
    ctx
  )

/** Maps an HTTP status without a readable Coze envelope. */
export const fromStatus = (status: number, ctx: FailureContext): Errors.BotGatewayError =>
  make(byStatus(status), `Coze ${ctx.path}: HTTP ${status}`, undefined, { ...ctx, status })

/** A transport failure (connection refused or dropped, bad body). */
export const fromHttpClientError = (error: HttpClientError.HttpClientError, ctx: FailureContext) =>
  error._tag === "ResponseError" && error.reason === "StatusCode"
    ? fromStatus(error.response.status, ctx)
    : make("unavailable", `Coze ${ctx.path}: ${error.reason} (${error.message})`, undefined, ctx)

/** A stream that said something we cannot read (malformed SSE, undecodable JSON). */
export const malformed = (detail: string, ctx: FailureContext): Errors.BotGatewayError =>
  make("unavailable", `Coze ${ctx.path}: malformed response: ${detail}`, undefined, ctx)

/** No answer in time. */
export const timedOut = (what: string, ctx: FailureContext): Errors.BotGatewayError =>
  make("timeout", `Coze ${ctx.path}: ${what}`, undefined, ctx)

/** The log id of a response: the `X-Tt-Logid` header. */
export const logIdOf = (headers: Headers.Headers): string | undefined => headers["x-tt-logid"]

/** `Retry-After` (seconds or an HTTP date) as milliseconds from now. */
export const retryAfterOf = (headers: Headers.Headers, now: number): number | undefined => {
  const value = headers["retry-after"]
  if (value === undefined || value.trim() === "") return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000))
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Logs an upstream failure with Coze's log id, code and status; never a token. */
export const logFailure = (error: Errors.BotGatewayError, ctx: FailureContext): Effect.Effect<void> =>
  Effect.logWarning("Coze request failed").pipe(
    Effect.annotateLogs({
      path: ctx.path,
      reason: error.reason,
      detail: error.message,
      ...(error.code !== undefined ? { code: error.code } : {}),
      ...(ctx.status !== undefined ? { status: ctx.status } : {}),
      ...(error.logId !== undefined ? { logId: error.logId } : {})
    })
  )
