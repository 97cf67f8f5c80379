import { Admin, AdminDirectory, Ids } from "@chatbot-node/domain"
import { PasswordHash } from "@chatbot-node/adapters/koa"
import { PgAdminDirectory } from "@chatbot-node/adapters/postgres"
import { Effect, Layer, Schema } from "effect"
import { createInterface } from "node:readline/promises"
import { parseArgs } from "node:util"
import * as ServerConfigModule from "./Config.js"
import { minPasswordLength } from "./FirstAdmin.js"
import { DatabaseLive } from "./Layers.js"

const usage = `npm run admin:create -- --email a@b.c [--password ...] [--name ...] [--role owner|agent] [--shops id1,id2]
Missing values come from ADMIN_EMAIL / ADMIN_PASSWORD, else are asked for. Uses DATABASE_URL (else PGlite under DATA_DIR).`

const { values } = parseArgs({
  options: {
    email: { type: "string" },
    password: { type: "string" },
    name: { type: "string" },
    role: { type: "string", default: "owner" },
    shops: { type: "string", default: "" },
    help: { type: "boolean", short: "h" }
  }
})

const ask = async (question: string, fallback: string | undefined) => {
  if (fallback !== undefined && fallback !== "") return fallback
  if (!process.stdin.isTTY) throw new Error(`${question.trim()} is required (no terminal to ask on)`)
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  try {
    return (await rl.question(question)).trim()
  } finally {
    rl.close()
  }
}

const main = async () => {
  if (values.help === true) return console.log(usage)
  const email = await ask("Email: ", values.email ?? process.env.ADMIN_EMAIL)
  const password = await ask("Password: ", values.password ?? process.env.ADMIN_PASSWORD)
  const role = Schema.decodeUnknownSync(Admin.AdminRole)(values.role)
  const shopIds = (values.shops ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "").map((s) => Schema.decodeUnknownSync(Ids.ShopId)(s))
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error("that is not an email address")
  if (password.length < minPasswordLength) throw new Error(`the password must be at least ${minPasswordLength} characters`)
  const program = Effect.gen(function*() {
    const passwordHash = yield* PasswordHash.hash(password)
    return yield* (yield* AdminDirectory).saveAdmin({ email, name: values.name ?? email.split("@")[0]!, role, shopIds, passwordHash })
  })
  const live = PgAdminDirectory.layer.pipe(Layer.provide(DatabaseLive), Layer.provide(ServerConfigModule.layer))
  const admin = await Effect.runPromise(Effect.provide(program, live))
  console.log(`saved ${admin.role} ${admin.email} (${admin.id}), shops: ${admin.shopIds.length === 0 ? "all" : admin.shopIds.join(", ")}`)
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(`admin:create: ${error instanceof Error ? error.message : String(error)}`)
  console.error(usage)
  process.exit(1)
})
