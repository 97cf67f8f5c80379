import type { Errors } from "@chatbot-node/domain"
import { Duration, Effect, Option, Predicate, type Redacted } from "effect"
import type { CozeAuth } from "./CozeAuth.js"
import type { ResolvedCozeOptions } from "./CozeConfig.js"

/** Retries spent so far, by kind. */
export interface RetryState {
  readonly auth: number
  readonly model: number
  readonly throttled: number
  readonly unavailable: number
}

const initial: RetryState = { auth: 0, model: 0, throttled: 0, unavailable: 0 }

/** What to do before the next attempt. */
export interface RetryPlan {
  readonly delay: Duration.Duration
  readonly next: RetryState
  readonly refreshAuth: boolean
}

/**
 * Which failures are worth another attempt: a refused OAuth token (refreshed once), a model error
 * 4013 (once), throttling except the daily quota 4008 (three times, honouring Retry-After up to
 * `maxRetryAfter`), an unreachable or garbled upstream (twice). Everything else fails at once.
 */
export const decide = (
  error: Errors.BotGatewayError,
  state: RetryState,
  options: ResolvedCozeOptions,
  refreshable: boolean
): Option.Option<RetryPlan> => {
  const backoff = (n: number) => Duration.times(options.retryBaseDelay, 2 ** n)
  switch (error.reason) {
    case "auth":
      return refreshable && state.auth < 1 && error.code !== 4101
        ? Option.some({ delay: Duration.zero, next: { ...state, auth: state.auth + 1 }, refreshAuth: true })
        : Option.none()
    case "model":
      return error.code === 4013 && state.model < 1
        ? Option.some({ delay: backoff(1), next: { ...state, model: state.model + 1 }, refreshAuth: false })
        : Option.none()
    case "throttled": {
      if (error.code === 4008 || state.throttled >= 3) return Option.none()
      const delay = error.retryAfterMs !== undefined ? Duration.millis(error.retryAfterMs) : backoff(state.throttled)
      return Duration.greaterThan(delay, options.maxRetryAfter)
        ? Option.none()
        : Option.some({ delay, next: { ...state, throttled: state.throttled + 1 }, refreshAuth: false })
    }
    case "unavailable":
      return state.unavailable < 2
        ? Option.some({ delay: backoff(state.unavailable), next: { ...state, unavailable: state.unavailable + 1 }, refreshAuth: false })
        : Option.none()
    default:
      return Option.none()
  }
}

const announce = (error: Errors.BotGatewayError, plan: RetryPlan) =>
  Effect.logInfo("Coze request retried").pipe(
    Effect.annotateLogs({
      reason: error.reason,
      ...(error.code !== undefined ? { code: error.code } : {}),
      ...(error.logId !== undefined ? { logId: error.logId } : {}),
      delayMs: Duration.toMillis(plan.delay)
    })
  )

/** When a failed attempt may be tried again, besides `decide`, and what runs before it is. */
export interface RetryOptions {
  /** False once the attempt has shown something that must not be shown twice (e.g. text). */
  readonly retryable?: () => boolean
  /** Runs between attempts (e.g. to cancel an abandoned upstream chat). */
  readonly beforeRetry?: Effect.Effect<void>
}

const isGatewayError = (error: unknown): error is Errors.BotGatewayError =>
  Predicate.isTagged(error, "BotGatewayError")

/**
 * Runs `attempt` with the session's token, retrying its Coze failures by `decide` (a refused token
 * exchange is not retried) while `retryable` holds. Any other failure (`X`) ends it as it is.
 */
export const effect = <A, X = never>(
  auth: CozeAuth,
  options: ResolvedCozeOptions,
  session: string,
  attempt: (token: Redacted.Redacted<string>) => Effect.Effect<A, Errors.BotGatewayError | X>,
  retry: RetryOptions = {}
): Effect.Effect<A, Errors.BotGatewayError | X> => {
  const loop = (state: RetryState): Effect.Effect<A, Errors.BotGatewayError | X> => {
    let used: Redacted.Redacted<string> | undefined
    return auth.token(session).pipe(
      Effect.flatMap((token) => {
        used = token
        return attempt(token)
      }),
      Effect.catchAll((error: Errors.BotGatewayError | X) => {
        if (!isGatewayError(error)) return Effect.fail(error)
        const plan = (used === undefined && error.reason === "auth") || retry.retryable?.() === false
          ? Option.none<RetryPlan>()
          : decide(error, state, options, auth.refreshable)
        if (Option.isNone(plan)) return Effect.fail(error)
        return announce(error, plan.value).pipe(
          Effect.zipRight(plan.value.refreshAuth && used ? auth.invalidate(session, used) : Effect.void),
          Effect.zipRight(retry.beforeRetry ?? Effect.void),
          Effect.zipRight(Effect.sleep(plan.value.delay)),
          Effect.zipRight(Effect.suspend(() => loop(plan.value.next)))
        )
      })
    )
  }
  return Effect.suspend(() => loop(initial))
}
