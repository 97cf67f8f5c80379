import { Errors, I18n, Ids, type Locale, ShopDirectory } from "@chatbot-node/domain"
import { Effect, Option, Schema } from "effect"
import type Koa from "koa"
import { bearer, refuse } from "./Handler.js"
import { allows, OriginPolicy } from "./OriginPolicy.js"
import { VisitorTokens, type VisitorClaims } from "./VisitorTokens.js"

/** Visitor ids that only a signed token can carry, so an anonymous `userId` cannot pose as a token's visitor. */
export const tokenVisitorPrefix = "vt-"

/** A browser page may act for a shop only from one of the shop's origins (else 403). */
export const checkOrigin = (ctx: Koa.Context, shopId: Ids.ShopId, locale: Locale.Locale) =>
  Effect.gen(function*() {
    const origin = ctx.get("origin")
    if (origin === "") return
    const policy = yield* OriginPolicy
    const shop = yield* (yield* ShopDirectory).getShop(shopId)
    if (Option.isSome(shop) && !allows(shop.value, origin, policy.options)) return yield* refuse(403, "forbidden_origin", I18n.t(locale, "forbidden"))
  })

/**
 * Who is asking: the visitor of a valid bearer token (its shop must be the one asked for); or else
 * a bare `userId`, only on a shop that allows anonymous ids. Anything else is 401. A browser's
 * `Origin` must be one the shop allows.
 */
export const identify = (ctx: Koa.Context, request: { readonly shopId: Ids.ShopId | undefined; readonly userId: string | undefined }, locale: Locale.Locale) =>
  Effect.tap(identifyVisitor(ctx, request, locale), (visitor) => checkOrigin(ctx, visitor.shopId, locale))

const identifyVisitor = (ctx: Koa.Context, request: { readonly shopId: Ids.ShopId | undefined; readonly userId: string | undefined }, locale: Locale.Locale) =>
  Effect.gen(function*() {
    const tokens = yield* VisitorTokens
    const shops = yield* ShopDirectory
    const token = bearer(ctx)
    if (Option.isSome(token)) {
      const claims = yield* Effect.option(tokens.verify(token.value))
      if (Option.isSome(claims)) {
        if (request.shopId !== undefined && request.shopId !== claims.value.shopId) {
          return yield* refuse(403, "forbidden", I18n.t(locale, "forbidden"))
        }
        return claims.value satisfies VisitorClaims
      }
    }
    // Made only when refused: an error captures a stack trace, too dear for every message.
    const unauthorized = () => refuse(401, "unauthorized", I18n.t(locale, "forbidden"))
    if (request.shopId === undefined || request.userId === undefined) return yield* unauthorized()
    const shop = yield* shops.getShop(request.shopId)
    if (Option.isNone(shop)) return yield* new Errors.ShopNotFound({ shopId: request.shopId })
    if (!shop.value.allowAnonymousUserId) return yield* unauthorized()
    const visitorId = yield* Schema.decodeUnknown(Ids.VisitorId)(request.userId).pipe(
      Effect.mapError(() => refuse(400, "bad_request", I18n.t(locale, "badRequest")))
    )
    if (visitorId.startsWith(tokenVisitorPrefix)) return yield* refuse(403, "forbidden", I18n.t(locale, "forbidden"))
    return { shopId: shop.value.id, visitorId } satisfies VisitorClaims
  })
