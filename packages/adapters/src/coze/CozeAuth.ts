import { createPrivateKey, type KeyObject } from "node:crypto"
import { HttpClientRequest } from "@effect/platform"
import type { Errors } from "@chatbot-node/domain"
import { Clock, Deferred, Effect, FiberId, Redacted, Schema, type Scope } from "effect"
import { SignJWT } from "jose"
import type { CozeCredentials, ResolvedCozeOptions } from "./CozeConfig.js"
import * as CozeErrors from "./CozeErrors.js"
import type { CozeHttp } from "./CozeHttp.js"
import { WireOAuthError, WireOAuthToken } from "./CozeWire.js"

/** Gives the bearer token for a session (the visitor), and forgets one Coze refused. */
export interface CozeAuth {
  readonly token: (session: string) => Effect.Effect<Redacted.Redacted<string>, Errors.BotGatewayError>
  /** Forgets `token` if it is still the cached one for `session`, so the next `token` call refreshes. */
  readonly invalidate: (session: string, token: Redacted.Redacted<string>) => Effect.Effect<void>
  /** Whether a refused token can be replaced (OAuth JWT) or not (a fixed token). */
  readonly refreshable: boolean
}

const tokenPath = "/api/permission/oauth2/token"

interface Entry {
  readonly deferred: Deferred.Deferred<Redacted.Redacted<string>, Errors.BotGatewayError>
  issued?: { readonly value: string; readonly issuedAtMs: number; readonly expiresAtMs: number }
}

/** 32 random bytes as 64 hex characters: the JWT's unique `jti`. */
const jti = () => Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString("hex")

const fixed = (token: Redacted.Redacted<string>): CozeAuth => ({
  token: () => Effect.succeed(token),
  invalidate: () => Effect.void,
  refreshable: false
})

/**
 * The OAuth JWT service app: signs a single-use RS256 JWT (`kid`, `iss`, `aud`, `iat`, `exp`,
 * `jti`, `session_name`), exchanges it for an access token, caches it per session until ~60 s
 * before its absolute `expires_in`, and shares one in-flight exchange among concurrent callers.
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

  const token = (session: string) =>
    Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const current = cache.get(session)
        if (current !== undefined) {
          if (current.issued === undefined) return restore(Deferred.await(current.deferred))
          const margin = Math.min(60_000, (current.issued.expiresAtMs - current.issued.issuedAtMs) / 2)
          if (current.issued.expiresAtMs - margin > now) return Effect.succeed(Redacted.make(current.issued.value))
        }
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
        return Effect.forkIn(run, scope).pipe(Effect.zipRight(restore(Deferred.await(entry.deferred))))
      })
    )

  const invalidate = (session: string, used: Redacted.Redacted<string>) =>
    Effect.sync(() => {
      const current = cache.get(session)
      if (current?.issued !== undefined && current.issued.value === Redacted.value(used)) cache.delete(session)
    })

  return { token, invalidate, refreshable: true }
}

/** Builds the auth for the configured credentials; token exchanges run in `scope`, not in callers. */
export const make = (options: ResolvedCozeOptions, http: CozeHttp): Effect.Effect<CozeAuth, never, Scope.Scope> =>
  Effect.map(Effect.scope, (scope) =>
    options.credentials._tag === "Token" ? fixed(options.credentials.token) : jwt(options, options.credentials, http, scope))
