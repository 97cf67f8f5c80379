import { Either } from "effect"
import type { Locale } from "../model/Locale.js"
import { t } from "./I18n.js"

/** At most `points` actions per `windowSeconds`. */
export interface Limit {
  readonly points: number
  readonly windowSeconds: number
}

/** The limits a deployment uses; each may be changed by configuration. */
export interface RateLimits {
  /** Messages one visitor of one shop may send. */
  readonly visitorMessages: Limit
  /** Messages from one IP address (many visitors may share one). */
  readonly ipMessages: Limit
  /** Staff sign-in attempts from one IP address. */
  readonly ipLogins: Limit
}

/** 20 messages a minute per visitor, 60 a minute per IP, 10 sign-ins per 15 minutes per IP. */
export const defaults: RateLimits = {
  visitorMessages: { points: 20, windowSeconds: 60 },
  ipMessages: { points: 60, windowSeconds: 60 },
  ipLogins: { points: 10, windowSeconds: 15 * 60 }
}

/** Something a client does that is limited. */
export type Action =
  | { readonly _tag: "message"; readonly ip: string; readonly shopId: string; readonly visitorId: string }
  | { readonly _tag: "messageFromIp"; readonly ip: string }
  | { readonly _tag: "login"; readonly ip: string }

/** One counter to charge: which limit, and the key it counts under. */
export interface Charge {
  readonly name: keyof RateLimits
  readonly limit: Limit
  readonly key: string
}

/**
 * The counters an action is charged to. A message is charged first per IP (before the body is
 * read), then per visitor once the visitor is known; a sign-in per IP. Keys hold no NUL (a
 * PostgreSQL store cannot keep one); `|` cannot occur in a shop id, so shop and visitor stay apart.
 */
export const chargesFor = (limits: RateLimits, action: Action): ReadonlyArray<Charge> => {
  switch (action._tag) {
    case "messageFromIp":
      return [{ name: "ipMessages", limit: limits.ipMessages, key: action.ip }]
    case "message":
      return [{ name: "visitorMessages", limit: limits.visitorMessages, key: `${action.shopId}|${action.visitorId}` }]
    case "login":
      return [{ name: "ipLogins", limit: limits.ipLogins, key: action.ip }]
  }
}

/** Whole seconds to wait before retrying, at least 1. */
export const retryAfterSeconds = (retryAfterMs: number): number => Math.max(1, Math.ceil(retryAfterMs / 1000))

/** The sentence a limited visitor reads, in their language. */
export const refusal = (locale: Locale, retryAfterMs: number): string =>
  t(locale, "rateLimited", { seconds: retryAfterSeconds(retryAfterMs) })

/** Parses a limit written `points/seconds` (e.g. `20/60`); both positive integers. */
export const parseLimit = (text: string): Either.Either<Limit, string> => {
  const match = /^\s*(\d{1,9})\s*\/\s*(\d{1,9})\s*s?\s*$/.exec(text)
  if (match === null) return Either.left(`expected "points/seconds" (e.g. "20/60"), got "${text}"`)
  const points = Number(match[1])
  const windowSeconds = Number(match[2])
  if (points < 1 || windowSeconds < 1) return Either.left("points and seconds must be at least 1")
  return Either.right({ points, windowSeconds })
}
