import { Ids } from "@chatbot-node/domain"
import { Context, Duration, Effect, Layer, Redacted, Schema } from "effect"
import * as Hs256Tokens from "./Hs256Tokens.js"

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
  const tokens = Hs256Tokens.make({ secret: new TextEncoder().encode(Redacted.value(options.secret)), issuer, audience })
  const ttlSeconds = Math.max(1, Math.floor(Duration.toSeconds(Duration.decode(options.ttl))))
  const decodeClaims = Schema.decodeUnknown(Claims)
  return {
    issue: (claims) => tokens.sign(claims.visitorId, { shop: claims.shopId }, ttlSeconds),
    verify: (token) =>
      tokens.verify(token).pipe(
        Effect.flatMap(decodeClaims),
        Effect.map((c) => ({ shopId: c.shop, visitorId: c.sub })),
        Effect.mapError(() => new InvalidVisitorToken())
      )
  }
}

/** The token service as a layer. */
export const layer = (options: { readonly secret: Redacted.Redacted<string>; readonly ttl: Duration.DurationInput }) =>
  Layer.succeed(VisitorTokens, make(options))
