import { Data, Effect } from "effect"
import { jwtVerify, SignJWT, type JWTPayload } from "jose"
import { createHash, webcrypto } from "node:crypto"

/** The token was missing a claim, tampered with, expired, signed otherwise or not a JWT at all. */
export class InvalidToken extends Data.TaggedError("InvalidToken")<{ readonly cause: unknown }> {}

/** HS256 JWTs of one issuer and audience on one secret. */
export interface Hs256Tokens {
  /** Signs `claims` for `sub`, valid for `ttlSeconds` from now. */
  readonly sign: (sub: string, claims: Record<string, string>, ttlSeconds: number) => Effect.Effect<{ readonly token: string; readonly expiresAt: Date }>
  /** The payload of a valid token (algorithm, issuer, audience, `exp` and `sub` checked); never mutate it. */
  readonly verify: (token: string) => Effect.Effect<JWTPayload, InvalidToken>
}

export interface Hs256TokensOptions {
  readonly secret: Uint8Array
  readonly issuer: string
  readonly audience: string
  /** How many valid tokens are remembered (the least recently used forgotten first); 10,000 by default. */
  readonly remember?: number | undefined
  /** The clock, in ms (a test's); `Date.now` by default, as jose's own. */
  readonly now?: (() => number) | undefined
}

/**
 * Signs and checks tokens with jose, the algorithm pinned. Two things keep a check off the way to
 * the bot's first token (a widget sends its token with every message):
 * - the key is imported into WebCrypto once, not at every check;
 * - a token found valid is remembered, by its SHA-256 rather than its text, until its `exp`: jose's
 *   check runs on libuv's thread pool, 0.3–0.5 ms and a turn of the event loop each
 *   (docs/performance.md, session 14), where a remembered one costs a hash.
 */
export const make = (options: Hs256TokensOptions): Hs256Tokens => {
  const now = options.now ?? Date.now
  const capacity = options.remember ?? 10_000
  const key = webcrypto.subtle.importKey("raw", options.secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"])
  // A key WebCrypto refuses (an empty secret) fails each check and each signing, not the process.
  key.catch(() => {})
  // In the order they were last used: a Map iterates in insertion order, so the first is the least recent.
  const valid = new Map<string, JWTPayload & { readonly exp: number }>()
  const digest = (token: string) => createHash("sha256").update(token).digest("base64")
  const remember = (id: string, payload: JWTPayload & { readonly exp: number }) => {
    if (!valid.has(id) && valid.size >= capacity) valid.delete(valid.keys().next().value!)
    valid.set(id, payload)
  }
  const check = (token: string, id: string) =>
    Effect.tryPromise({
      try: async () => (await jwtVerify(token, await key, { algorithms: ["HS256"], issuer: options.issuer, audience: options.audience, requiredClaims: ["exp", "sub"], currentDate: new Date(now()) })).payload,
      catch: (cause) => new InvalidToken({ cause })
    }).pipe(Effect.tap((payload) => Effect.sync(() => remember(id, Object.freeze(payload as JWTPayload & { readonly exp: number })))))
  return {
    sign: (sub, claims, ttlSeconds) =>
      Effect.promise(async () => {
        const issuedAt = Math.floor(now() / 1000)
        const token = await new SignJWT(claims)
          .setProtectedHeader({ alg: "HS256", typ: "JWT" })
          .setSubject(sub)
          .setIssuer(options.issuer)
          .setAudience(options.audience)
          .setIssuedAt(issuedAt)
          .setExpirationTime(issuedAt + ttlSeconds)
          .sign(await key)
        return { token, expiresAt: new Date((issuedAt + ttlSeconds) * 1000) }
      }),
    verify: (token) =>
      Effect.suspend(() => {
        const id = digest(token)
        const known = valid.get(id)
        if (known === undefined) return check(token, id)
        valid.delete(id)
        // Past its `exp` it is checked again, and jose refuses it.
        if (known.exp * 1000 <= now()) return check(token, id)
        valid.set(id, known)
        return Effect.succeed(known)
      })
  }
}
