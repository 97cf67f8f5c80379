import { Admin, AdminDirectory, Ids } from "@chatbot-node/domain"
import { Context, Duration, Effect, Layer, Option, Redacted, Schema } from "effect"
import * as Hs256Tokens from "./Hs256Tokens.js"
import { ApiError } from "./ApiError.js"

const issuer = "chatbot-node"
const audience = "chatbot-node/admin"

const Claims = Schema.Struct({ sub: Ids.AdminId, role: Admin.AdminRole })

/** What a refused staff token answers: 401, the same for every reason. */
export const unauthorized = new ApiError({ status: 401, code: "unauthorized", message: "Sign in again." })

/**
 * Issues and checks staff tokens: short-lived HS256 JWTs (the algorithm pinned, `exp` required)
 * naming the admin and role. `verify` also reloads the admin, so a deleted account's token stops
 * working and a changed role or shop list applies at once.
 */
export class AdminTokens extends Context.Tag("@chatbot-node/adapters/AdminTokens")<AdminTokens, {
  readonly issue: (admin: Admin.Admin) => Effect.Effect<string>
  readonly verify: (token: string) => Effect.Effect<Admin.Admin, ApiError>
  /** How long an issued token lasts. */
  readonly ttl: Duration.Duration
}>() {}

/** Options of the staff token service. */
export interface AdminTokensOptions {
  /** At least 32 characters; shared with nobody outside the server. */
  readonly secret: Redacted.Redacted<string>
  /** 12 hours by default. */
  readonly ttl?: Duration.DurationInput | undefined
}

/** Builds the service on the admin directory. */
export const make = (options: AdminTokensOptions) =>
  Effect.gen(function*() {
    const admins = yield* AdminDirectory
    const tokens = Hs256Tokens.make({ secret: new TextEncoder().encode(`admin:${Redacted.value(options.secret)}`), issuer, audience })
    const ttl = Duration.decode(options.ttl ?? "12 hours")
    const ttlSeconds = Math.max(1, Math.floor(Duration.toSeconds(ttl)))
    return AdminTokens.of({
      ttl,
      issue: (admin) => Effect.map(tokens.sign(admin.id, { role: admin.role }, ttlSeconds), (signed) => signed.token),
      verify: (token) =>
        Effect.mapError(tokens.verify(token), () => unauthorized).pipe(
          Effect.flatMap((payload) => Effect.mapError(Schema.decodeUnknown(Claims)(payload), () => unauthorized)),
          Effect.flatMap((claims) =>
            admins.getAdmin(claims.sub).pipe(
              Effect.mapError(() => new ApiError({ status: 503, code: "internal", message: "Something went wrong. Please try again." })),
              Effect.flatMap(Option.match({ onNone: () => Effect.fail(unauthorized), onSome: Effect.succeed }))
            )
          )
        )
    })
  })

/** The staff token service as a layer (needs the AdminDirectory). */
export const layer = (options: AdminTokensOptions): Layer.Layer<AdminTokens, never, AdminDirectory> =>
  Layer.effect(AdminTokens, make(options))
