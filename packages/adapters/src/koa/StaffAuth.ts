import type { Admin } from "@chatbot-node/domain"
import { Effect, Option } from "effect"
import type Koa from "koa"
import type { ApiError } from "./ApiError.js"
import { AdminTokens, unauthorized } from "./AdminTokens.js"
import { bearer, refuse } from "./Handler.js"

/** The admin of the request's bearer token, or a 401. */
export const requireAdmin = (ctx: Koa.Context): Effect.Effect<Admin.Admin, ApiError, AdminTokens> =>
  Effect.gen(function*() {
    const token = bearer(ctx)
    if (Option.isNone(token)) return yield* Effect.fail(unauthorized)
    return yield* (yield* AdminTokens).verify(token.value)
  })

/** The admin of the request, who must be an owner (else 403). */
export const requireOwner = (ctx: Koa.Context): Effect.Effect<Admin.Admin, ApiError, AdminTokens> =>
  Effect.flatMap(requireAdmin(ctx), (admin) =>
    admin.role === "owner" ? Effect.succeed(admin) : Effect.fail(refuse(403, "forbidden", "Only an owner may do that.")))

/** An admin as the API shows it (never the password hash). */
export const adminJson = (admin: Admin.Admin) => ({
  id: admin.id,
  email: admin.email,
  name: admin.name,
  role: admin.role,
  shopIds: [...admin.shopIds],
  createdAt: admin.createdAt.toISOString()
})
