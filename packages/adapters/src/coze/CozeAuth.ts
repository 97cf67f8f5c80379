import { createPrivateKey, type KeyObject } from "node:crypto"
import { HttpClientRequest } from "@effect/platform"
import type { Errors } from "@chatbot-node/domain"
import { Clock, Deferred, Effect, Fiber, FiberId, Redacted, Schema, type Scope } from "effect"
import { SignJWT } from "jose"
import type { CozeCredentials, ResolvedCozeOptions } from "./CozeConfig.js"
import * as CozeErrors from "./CozeErrors.js"
import type { CozeHttp } from "./CozeHttp.js"
import { WireOAuthError, WireOAuthToken } from "./CozeWire.js"

/** Gives the bearer token for a session (the visitor), and forgets one Coze refused. */
export interface CozeAuth {
  readonly token: (session: string) => Effect.Effect<Redacted.Redacted<string>, Errors.BotGatewayError>
  /**
   * Makes sure a session has a token that will last (exchanged now if it has none, or renewed if it
   * is due), so that its next request does not wait for an exchange. Never fails: a failed exchange is
   * logged, and the next `token` call tries again.
   */
  readonly prepare: (session: string) => Effect.Effect<void>
  /** Forgets `token` if it is still the cached one for `session`, so the next `token` call refreshes. */
  readonly invalidate: (session: string, token: Redacted.Redacted<string>) => Effect.Effect<void>
  /** Whether a refused token can be replaced (OAuth JWT) or not (a fixed token). */
  readonly refreshable: boolean
}

const tokenPath = "/api/permission/oauth2/token"

interface Issued {
  readonly value: string
  readonly issuedAtMs: number
  readonly expiresAtMs: number
}

interface Entry {
  readonly deferred: Deferred.Deferred<Redacted.Redacted<string>, Errors.BotGatewayError>
  issued?: Issued
  /** A renewal under way while this token is still handed out. */
  renewing?: boolean
}

/**
 * Where a token is in its life at `now`: `fresh`; `renew` (still handed out, its successor exchanged
 * in the background) from three quarters of its life or its last 5 minutes, whichever comes later;
 * `expired` (not handed out any more) within a minute of its expiry, or half its life if shorter.
 */
export const phaseOf = (issued: Issued, now: number): "fresh" | "renew" | "expired" => {
  const life = issued.expiresAtMs - issued.issuedAtMs
  if (issued.expiresAtMs - Math.min(60_000, life / 2) <= now) return "expired"
  return issued.expiresAtMs - Math.min(300_000, life * 0.75) <= now ? "renew" : "fresh"
}

/** 32 random bytes as 64 hex characters: the JWT's unique `jti`. */
const jti = () => Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString("hex")

const fixed = (token: Redacted.Redacted<string>): CozeAuth => ({
  token: () => Effect.succeed(token),
  prepare: () => Effect.void,
  invalidate: () => Effect.void,
  refreshable: false
})

/**
 * The OAuth JWT service app: signs a single-use RS256 JWT (`kid`, `iss`, `aud`, `iat`, `exp`,
 * `jti`, `session_name`), exchanges it for an access token, caches it per session until ~60 s
 * before its absolute `expires_in`, and shares one in-flight exchange among concurrent callers.
 * A token in the last part of its life is renewed in the background while it is still handed out
 * (`phaseOf`), so that a visitor who chats on never waits for an exchange.
 */
const jwt = (
  options: ResolvedCozeOptions,
  credentials: Extract<CozeCredentials, { _tag: "Jwt" }>,
  http: CozeHttp,
  scope: Scope.Scope
): CozeAuth => {
  const cache = new Map<string, Entry>()
  let key: KeyObject | undefined
  const ctx = { path: tokenPath }

  const signingKey = Effect.try({
    try: () => (key ??= createPrivateKey(Redacted.value(credentials.privateKey))),
    catch: () => CozeErrors.make("auth", "Coze: the OAuth private key cannot be read", undefined, ctx)
  })

  const sign = (session: string, nowSeconds: number) =>
    Effect.flatMap(signingKey, (k) =>
      Effect.tryPromise({
        try: () =>
          new SignJWT(session === "" ? {} : { session_name: session })
            .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: credentials.keyId })
            .setIssuer(credentials.clientId)
            .setAudience(options.audience)
            .setIssuedAt(nowSeconds)
            .setExpirationTime(nowSeconds + 600)
            .setJti(jti())
            .sign(k),
        catch: (e) => CozeErrors.malformed(`cannot sign the JWT: ${String(e)}`, ctx)
      }))

  const exchange = (session: string) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const assertion = yield* sign(session, Math.floor(now / 1000))
      const request = HttpClientRequest.post(tokenPath).pipe(
        HttpClientRequest.bearerToken(assertion),
        HttpClientRequest.bodyUnsafeJson({
          grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
          duration_seconds: credentials.durationSeconds ?? 900
        })
      )
      const { body, response } = yield* http.text(request, tokenPath)
      const logId = CozeErrors.logIdOf(response.headers)
      const parsed = yield* Effect.try({ try: () => JSON.parse(body) as unknown, catch: () => undefined }).pipe(
        Effect.orElseSucceed(() => undefined)
      )
      const ok = Schema.decodeUnknownOption(WireOAuthToken)(parsed)
      if (response.status >= 200 && response.status < 300 && ok._tag === "Some") {
        return { value: ok.value.access_token, issuedAtMs: now, expiresAtMs: ok.value.expires_in * 1000 }
      }
      const failure = Schema.decodeUnknownOption(WireOAuthError)(parsed)
      const code = failure._tag === "Some" ? failure.value.error_code ?? failure.value.error : undefined
      const message = failure._tag === "Some" ? failure.value.error_message ?? "" : ""
      const error = response.status >= 500 || code === "internal_error"
        ? CozeErrors.fromStatus(response.status >= 500 ? response.status : 502, { ...ctx, logId })
        : CozeErrors.make("auth", `Coze ${tokenPath}: ${code ?? "token exchange refused"} ${message}`.trim(), undefined, {
          ...ctx,
          logId
        })
      yield* CozeErrors.logFailure(error, { ...ctx, status: response.status, logId })
      return yield* Effect.fail(error)
    })

  const prune = (now: number) => {
    if (cache.size < 10_000) return
    for (const [session, entry] of cache) {
      if (entry.issued !== undefined && entry.issued.expiresAtMs <= now) cache.delete(session)
    }
  }

  /** Starts an exchange for the session in the background: its entry is cached at once, for concurrent callers to share. */
  const startExchange = (session: string, now: number) => {
    prune(now)
    const entry: Entry = { deferred: Deferred.unsafeMake(FiberId.none) }
    cache.set(session, entry)
    const run = exchange(session).pipe(
      Effect.tap((issued) => Effect.sync(() => (entry.issued = issued))),
      Effect.tapError(() => Effect.sync(() => cache.get(session) === entry && cache.delete(session))),
      Effect.map((issued) => Redacted.make(issued.value)),
      Effect.exit,
      Effect.flatMap((exit) => Deferred.done(entry.deferred, exit))
    )
    return Effect.as(Effect.forkIn(run, scope), entry)
  }

  /** Exchanges the successor of a token due for renewal; the token is handed out until its successor is cached. */
  const startRenewal = (session: string, current: Entry) => {
    current.renewing = true
    const renewal = exchange(session).pipe(
      Effect.tap((issued) => Effect.sync(() => {
        if (cache.get(session) !== current) return
        const next: Entry = { deferred: Deferred.unsafeMake(FiberId.none), issued }
        Deferred.unsafeDone(next.deferred, Effect.succeed(Redacted.make(issued.value)))
        cache.set(session, next)
      })),
      Effect.ignore,
      Effect.ensuring(Effect.sync(() => { current.renewing = false }))
    )
    return Effect.forkIn(renewal, scope)
  }

  /**
   * The session's cache entry, after starting what is due: an exchange when it has no token that may
   * still be handed out, a renewal when its token is near its end; `started` is that request's end.
   */
  const usable = (session: string, now: number): Effect.Effect<{ readonly entry: Entry; readonly started: Effect.Effect<void> }> => {
    const current = cache.get(session)
    const exchanged = () => Effect.map(startExchange(session, now), (entry) => ({ entry, started: Effect.exit(Deferred.await(entry.deferred)) }))
    if (current === undefined) return exchanged()
    const kept = Effect.succeed({ entry: current, started: Effect.void })
    // An exchange under way: its callers share it.
    if (current.issued === undefined) return kept
    switch (phaseOf(current.issued, now)) {
      case "fresh":
        return kept
      case "renew":
        return current.renewing === true ? kept : Effect.map(startRenewal(session, current), (fiber) => ({ entry: current, started: Fiber.await(fiber) }))
      case "expired":
        return exchanged()
    }
  }

  const token = (session: string) =>
    Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.flatMap(usable(session, now), ({ entry }) =>
          entry.issued !== undefined && phaseOf(entry.issued, now) !== "expired"
            ? Effect.succeed(Redacted.make(entry.issued.value))
            : restore(Deferred.await(entry.deferred))))
    )

  const prepare = (session: string) =>
    Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.flatMap(usable(session, now), ({ started }) => restore(Effect.asVoid(started)))))

  const invalidate = (session: string, used: Redacted.Redacted<string>) =>
    Effect.sync(() => {
      const current = cache.get(session)
      if (current?.issued !== undefined && current.issued.value === Redacted.value(used)) cache.delete(session)
    })

  return { token, prepare, invalidate, refreshable: true }
}

/** Builds the auth for the configured credentials; token exchanges run in `scope`, not in callers. */
export const make = (options: ResolvedCozeOptions, http: CozeHttp): Effect.Effect<CozeAuth, never, Scope.Scope> =>
  Effect.map(Effect.scope, (scope) =>
    options.credentials._tag === "Token" ? fixed(options.credentials.token) : jwt(options, options.credentials, http, scope))
