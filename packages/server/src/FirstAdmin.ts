import { type Admin, AdminDirectory, type Errors } from "@chatbot-node/domain"
import { PasswordHash } from "@chatbot-node/adapters/koa"
import { Effect, Layer, Option, Redacted } from "effect"
import { ServerConfig } from "./Config.js"

/** The shortest password `ADMIN_PASSWORD` and `npm run admin:create` accept. */
export const minPasswordLength = 10

/** Creates (or updates) an owner of every shop with a freshly hashed password. */
export const saveOwner = (
  email: string,
  password: Redacted.Redacted<string>,
  name = "Owner"
): Effect.Effect<Admin.Admin, Errors.StoreError, AdminDirectory> =>
  Effect.gen(function*() {
    const passwordHash = yield* PasswordHash.hash(Redacted.value(password))
    return yield* (yield* AdminDirectory).saveAdmin({ email, name, role: "owner", shopIds: [], passwordHash })
  })

/**
 * At start: when ADMIN_EMAIL and ADMIN_PASSWORD are set and no account has that email yet, creates
 * it as an owner of every shop. An existing account is left as it is (its password may have changed).
 */
export const layer: Layer.Layer<never, unknown, ServerConfig | AdminDirectory> = Layer.effectDiscard(
  Effect.gen(function*() {
    const settings = yield* ServerConfig
    if (Option.isNone(settings.adminEmail) || Option.isNone(settings.adminPassword)) return
    const email = settings.adminEmail.value.trim()
    if (Redacted.value(settings.adminPassword.value).length < minPasswordLength) {
      return yield* Effect.fail(new Error(`ADMIN_PASSWORD must be at least ${minPasswordLength} characters`))
    }
    const existing = yield* (yield* AdminDirectory).findByEmail(email)
    if (Option.isSome(existing)) return
    yield* saveOwner(email, settings.adminPassword.value)
    yield* Effect.logInfo(`created the owner account ${email}`)
  })
)
