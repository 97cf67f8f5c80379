import { AdminDirectory } from "@chatbot-node/domain"
import type Router from "@koa/router"
import { DateTime, Duration, Effect, Option, Schema } from "effect"
import type Koa from "koa"
import { AdminTokens } from "./AdminTokens.js"
import { decodeBody } from "./ChatBody.js"
import { refuse, requestLocale, type Handler } from "./Handler.js"
import * as PasswordHash from "./PasswordHash.js"
import { enforce, type RateLimiter } from "./RateLimiter.js"
import { readJson } from "./RequestBody.js"
import { adminJson, requireAdmin } from "./StaffAuth.js"

/** What the staff auth routes need. */
export type AuthRoutesR = AdminDirectory | AdminTokens | RateLimiter

const LoginBody = Schema.Struct({
  email: Schema.String.pipe(Schema.minLength(3), Schema.maxLength(254)),
  password: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(1024))
})

const wrongCredentials = refuse(401, "invalid_credentials", "Wrong email or password.")

/**
 * `POST /api/auth/login {email, password}` → `{token, tokenType, expiresAt, admin}`. An unknown
 * email is checked against a decoy hash, so it answers the same 401 in the same time as a wrong password.
 */
export const login = (bodyLimitBytes: number): Handler<AuthRoutesR> => (ctx) =>
  Effect.gen(function*() {
    const locale = requestLocale(ctx)
    yield* enforce(ctx, { _tag: "login", ip: ctx.ip }, locale)
    const body = yield* decodeBody(LoginBody, yield* readJson(ctx.req, { limit: bodyLimitBytes, locale }), locale)
    const found = yield* (yield* AdminDirectory).findByEmail(body.email.trim())
    const matches = yield* PasswordHash.verify(body.password, Option.match(found, { onNone: () => PasswordHash.decoy, onSome: (c) => c.passwordHash }))
    if (Option.isNone(found) || !matches) return yield* wrongCredentials
    const tokens = yield* AdminTokens
    const token = yield* tokens.issue(found.value.admin)
    const expiresAt = DateTime.add(yield* DateTime.now, { millis: Duration.toMillis(tokens.ttl) })
    ctx.set("Cache-Control", "no-store")
    ctx.body = { token, tokenType: "Bearer", expiresAt: DateTime.formatIso(expiresAt), admin: adminJson(found.value.admin) }
  })

/** `GET /api/auth/me`: the admin of the bearer token. */
export const me: Handler<AuthRoutesR> = (ctx: Koa.Context) =>
  Effect.map(requireAdmin(ctx), (admin) => {
    ctx.set("Cache-Control", "no-store")
    ctx.body = { admin: adminJson(admin) }
  })

/** Adds the staff auth routes to a router. */
export const addAuthRoutes = (router: Router, wrap: (h: Handler<AuthRoutesR>) => Koa.Middleware, bodyLimitBytes: number) => {
  router.post("/api/auth/login", wrap(login(bodyLimitBytes)))
  router.get("/api/auth/me", wrap(me))
  return router
}
