import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { SignJWT, UnsecuredJWT } from "jose"
import { startServer } from "./support/server.js"

const secret = "test-secret-0123456789abcdefghijklmnopqrstuvwxyz"
const adminKey = new TextEncoder().encode(`admin:${secret}`)

let server: Awaited<ReturnType<typeof startServer>>
beforeAll(async () => {
  server = await startServer({ JWT_SECRET: secret, ADMIN_EMAIL: "Owner@Shop.test", ADMIN_PASSWORD: "correct horse battery" })
})
afterAll(async () => { await server.stop() })

const login = async (body: unknown) => {
  const res = await fetch(`${server.url}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as any, headers: res.headers }
}
const me = async (token: string) => {
  const res = await fetch(`${server.url}/api/auth/me`, { headers: { Authorization: `Bearer ${token}` } })
  return { status: res.status, body: (await res.json()) as any }
}

describe("staff login over real HTTP", () => {
  it("logs the first admin (from ADMIN_EMAIL/ADMIN_PASSWORD) in, email case-insensitive; the token reads /api/auth/me", async () => {
    const r = await login({ email: "owner@shop.test", password: "correct horse battery" })
    expect(r.status).toBe(200)
    expect(r.headers.get("cache-control")).toBe("no-store")
    expect(r.body.tokenType).toBe("Bearer")
    expect(r.body.admin).toMatchObject({ email: "Owner@Shop.test", role: "owner", shopIds: [] })
    expect(JSON.stringify(r.body)).not.toMatch(/scrypt|password/i)
    const hours = (Date.parse(r.body.expiresAt) - Date.now()) / 3_600_000
    expect(hours).toBeGreaterThan(11.9)
    expect(hours).toBeLessThanOrEqual(12)
    const who = await me(r.body.token)
    expect(who.status).toBe(200)
    expect(who.body.admin.id).toBe(r.body.admin.id)
  })

  it("answers a wrong password and an unknown email with the same 401", async () => {
    const wrong = await login({ email: "owner@shop.test", password: "wrong horse battery" })
    const unknown = await login({ email: "nobody@shop.test", password: "correct horse battery" })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body).toEqual(unknown.body)
    expect(wrong.body.error.code).toBe("invalid_credentials")
  })

  it("refuses malformed login bodies with 4xx JSON", async () => {
    for (const body of [{}, { email: "owner@shop.test" }, { email: 1, password: "x" }, { email: "owner@shop.test", password: "" }, "not an object"]) {
      const r = await login(body)
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe("bad_request")
    }
  })

  it("refuses missing, tampered, expired, unsigned (alg none), foreign-key and visitor tokens", async () => {
    const good = (await login({ email: "owner@shop.test", password: "correct horse battery" })).body
    const [h, p, s] = good.token.split(".")
    const payload = JSON.parse(Buffer.from(p, "base64url").toString())
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, role: "agent", sub: "someone-else" })).toString("base64url")}.${s}`
    const now = Math.floor(Date.now() / 1000)
    const signed = (claims: Record<string, unknown>, key = adminKey, exp = now + 600) =>
      new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setSubject(good.admin.id).setIssuer("chatbot-node")
        .setAudience("chatbot-node/admin").setIssuedAt(now - 1000).setExpirationTime(exp).sign(key)
    const expired = await signed({ role: "owner" }, adminKey, now - 10)
    const valid = await signed({ role: "owner" })
    const foreign = await signed({ role: "owner" }, new TextEncoder().encode("another-secret-0123456789abcdefghijkl"))
    const unsecured = new UnsecuredJWT({ role: "owner" }).setSubject(good.admin.id).setIssuer("chatbot-node")
      .setAudience("chatbot-node/admin").setExpirationTime(now + 600).encode()
    const noExp = await new SignJWT({ role: "owner" }).setProtectedHeader({ alg: "HS256" }).setSubject(good.admin.id)
      .setIssuer("chatbot-node").setAudience("chatbot-node/admin").sign(adminKey)
    const unknownAdmin = await new SignJWT({ role: "owner" }).setProtectedHeader({ alg: "HS256" }).setSubject("deleted-admin")
      .setIssuer("chatbot-node").setAudience("chatbot-node/admin").setExpirationTime(now + 600).sign(adminKey)
    const session = await fetch(`${server.url}/api/visitor/session`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ shopId: "shop-a" }) })
    const visitorToken = ((await session.json()) as any).token as string
    expect((await me(valid)).status).toBe(200)
    for (const token of [tampered, expired, foreign, unsecured, noExp, unknownAdmin, visitorToken, "garbage"]) {
      const r = await me(token)
      expect(r.status).toBe(401)
      expect(r.body.error.code).toBe("unauthorized")
    }
    const none = await fetch(`${server.url}/api/auth/me`)
    expect(none.status).toBe(401)
  })
})
