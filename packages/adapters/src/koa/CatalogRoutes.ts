import type Router from "@koa/router"
import { Effect, Option, Redacted, Schema } from "effect"
import type Koa from "koa"
import { timingSafeEqual } from "node:crypto"
import { CatalogInvalidation } from "../catalog/evershop/CatalogInvalidation.js"
import { ApiError } from "./ApiError.js"
import { type Handler, requestLocale } from "./Handler.js"
import { readJson } from "./RequestBody.js"

const Id = Schema.Union(Schema.String, Schema.Number).pipe(Schema.transform(Schema.String, { strict: true, decode: String, encode: (s) => s }))

/** A shop's change notice: `{event, skus?, productIds?}` (the EverShop extension's subscribers send it). */
export const ChangeNoticeBody = Schema.Struct({
  event: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100)),
  skus: Schema.optionalWith(Schema.Array(Schema.String).pipe(Schema.maxItems(1000)), { default: () => [] }),
  productIds: Schema.optionalWith(Schema.Array(Id).pipe(Schema.maxItems(1000)), { default: () => [] })
})

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

const givenSecret = (ctx: Koa.Context) => {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get("authorization"))?.[1]
  return bearer ?? (ctx.get("x-chatbot-secret") || undefined)
}

/**
 * `POST /api/catalog/invalidate`: a shop reports changed products and cached catalog answers are
 * dropped. Needs the shared secret (`Authorization: Bearer <secret>` or `X-Chatbot-Secret`); 404
 * when the catalog has no cache or no secret is configured.
 */
export const invalidate = (limit: number): Handler<never> => (ctx) =>
  Effect.gen(function*() {
    const service = yield* Effect.serviceOption(CatalogInvalidation)
    const secret = Option.flatMap(service, (s) => s.secret)
    if (Option.isNone(service) || Option.isNone(secret)) {
      return yield* new ApiError({ status: 404, code: "not_found", message: "Not found." })
    }
    const given = givenSecret(ctx)
    if (given === undefined || !sameSecret(given, Redacted.value(secret.value))) {
      return yield* new ApiError({ status: 401, code: "unauthorized", message: "A valid shared secret is required." })
    }
    const body = yield* readJson(ctx.req, { limit, locale: requestLocale(ctx) })
    const notice = yield* Schema.decodeUnknown(ChangeNoticeBody)(body).pipe(
      Effect.mapError(() => new ApiError({ status: 400, code: "bad_request", message: "Expected {event, skus?, productIds?}." }))
    )
    const dropped = yield* service.value.invalidate(notice)
    ctx.status = 200
    ctx.set("Cache-Control", "no-store")
    ctx.body = { ok: true, dropped }
  })

/** Adds `POST /api/catalog/invalidate` to a router. */
export const addCatalogRoutes = (router: Router, wrap: (h: Handler<never>) => Koa.Middleware, limit: number) =>
  router.post("/api/catalog/invalidate", wrap(invalidate(limit)))
