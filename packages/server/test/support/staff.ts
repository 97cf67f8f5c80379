import { AdminDirectory, type Admin, type Ids } from "@chatbot-node/domain"
import { PasswordHash } from "@chatbot-node/adapters/koa"
import { Effect } from "effect"
import type { startServer } from "./server.js"

type Server = Awaited<ReturnType<typeof startServer>>

/** Creates a staff account in the server's directory and logs it in over HTTP; returns its bearer token. */
export const staffToken = async (server: Server, account: { email: string; role: Admin.AdminRole; shopIds: ReadonlyArray<string> }) => {
  const password = "staff password 123"
  await server.runtime.runPromise(Effect.gen(function*() {
    const passwordHash = yield* PasswordHash.hash(password)
    yield* (yield* AdminDirectory).saveAdmin({ ...account, name: account.email, shopIds: account.shopIds as ReadonlyArray<Ids.ShopId>, passwordHash })
  }))
  const res = await fetch(`${server.url}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email: account.email, password }) })
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`)
  return ((await res.json()) as { token: string }).token
}
