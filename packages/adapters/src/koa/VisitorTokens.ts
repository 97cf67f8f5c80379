import { Ids } from "@chatbot-node/domain"
import { Context, Duration, Effect, Layer, Redacted, Schema } from "effect"
import { jwtVerify, SignJWT } from "jose"

/** Who a valid visitor token names. */
export interface VisitorClaims {
  readonly shopId: Ids.ShopId
  readonly visitorId: Ids.VisitorId
}

/** A signed visitor token and when it expires. */
export interface IssuedToken {
  readonly token: string
  readonly expiresAt: Date
}

/** The token was missing, tampered with, expired or signed otherwise. */
export class InvalidVisitorToken extends Schema.TaggedError<InvalidVisitorToken>()("InvalidVisitorToken", {}) {}

const Claims = Schema.Struct({ shop: Ids.ShopId, sub: Ids.VisitorId })

/** Issues and checks the widget's visitor tokens: HS256 JWTs (the algorithm pinned), naming a shop and a visitor. */
export class VisitorTokens extends Context.Tag("@chatbot-node/adapters/VisitorTokens")<VisitorTokens, {
  readonly issue: (claims: VisitorClaims) => Effect.Effect<IssuedToken>
  readonly verify: (token: string) => Effect.Effect<VisitorClaims, InvalidVisitorToken>
}>() {}

const issuer = "chatbot-node"
const audience = "chatbot-node/visitor"

/** Builds the token service on a secret (at least 32 bytes) and a lifetime. */
export const make = (options: { readonly secret: Redacted.Redacted<string>; readonly ttl: Duration.DurationInput }): Context.Tag.Service<VisitorTokens> => {
  const key = new TextEncoder().encode(Redacted.value(options.secret))
  const ttlSeconds = Math.max(1, Math.floor(Duration.toSeconds(Duration.decode(options.ttl))))
  return {
    issue: (claims) =>
      Effect.promise(async () => {
        const now = Math.floor(Date.now() / 1000)
        const token = await new SignJWT({ shop: claims.shopId })
          .setProtectedHeader({ alg: "HS256", typ: "JWT" })
          .setSubject(claims.visitorId)
          .setIssuer(issuer)
          .setAudience(audience)
          .setIssuedAt(now)
          .setExpirationTime(now + ttlSeconds)
          .sign(key)
        return { token, expiresAt: new Date((now + ttlSeconds) * 1000) }
      }),
    verify: (token) =>
      Effect.tryPromise({
        try: () => jwtVerify(token, key, { algorithms: ["HS256"], issuer, audience, requiredClaims: ["exp", "sub"] }),
        catch: () => new InvalidVisitorToken()
      }).pipe(
        Effect.flatMap(({ payload }) => Schema.decodeUnknown(Claims)(payload)),
        Effect.map((c) => ({ shopId: c.shop, visitorId: c.sub })),
        Effect.mapError(() => new InvalidVisitorToken())
      )
  }
}

/** The token service as a layer. */
export const layer = (options: { readonly secret: Redacted.Redacted<string>; readonly ttl: Duration.DurationInput }) =>
  Layer.succeed(VisitorTokens, make(options))
