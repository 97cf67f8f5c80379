import { Admin, AdminDirectory, Ids } from "@chatbot-node/domain"
import type { NewAdmin } from "@chatbot-node/domain"
import { Clock, Effect, Layer, Option } from "effect"

interface Account {
  readonly admin: Admin.Admin
  readonly passwordHash: string
}

const byEmail = (a: Admin.Admin, b: Admin.Admin) => {
  const x = a.email.toLowerCase()
  const y = b.email.toLowerCase()
  return x < y ? -1 : x > y ? 1 : 0
}

/** Builds an AdminDirectory kept in memory, seeded with `admins`. Emails compare case-insensitively. */
export const make = (admins: Iterable<NewAdmin> = []): Effect.Effect<AdminDirectory.Service> =>
  Effect.gen(function* () {
    const accounts = new Map<string, Account>()

    const saveAdmin = (input: NewAdmin) =>
      Effect.map(Clock.currentTimeMillis, (ms) => {
        const key = input.email.toLowerCase()
        const existing = accounts.get(key)?.admin
        const admin = new Admin.Admin({
          id: existing?.id ?? Ids.AdminId.make(Ids.randomToken()),
          email: existing?.email ?? input.email,
          name: input.name,
          role: input.role,
          shopIds: [...input.shopIds],
          createdAt: existing?.createdAt ?? new Date(ms)
        })
        accounts.set(key, { admin, passwordHash: input.passwordHash })
        return admin
      })

    for (const admin of admins) yield* saveAdmin(admin)

    const service: AdminDirectory.Service = {
      findByEmail: (email) => Effect.sync(() => Option.fromNullable(accounts.get(email.toLowerCase()))),
      getAdmin: (id) =>
        Effect.sync(() => {
          for (const { admin } of accounts.values()) if (admin.id === id) return Option.some(admin)
          return Option.none()
        }),
      listAdmins: Effect.sync(() => [...accounts.values()].map((a) => a.admin).sort(byEmail)),
      saveAdmin
    }
    return service
  })

/** The in-memory AdminDirectory as a layer, seeded with `admins`. */
export const layer = (admins: Iterable<NewAdmin> = []): Layer.Layer<AdminDirectory> =>
  Layer.effect(AdminDirectory, make(admins))
