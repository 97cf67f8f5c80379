import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as jose from "jose"
import { type CozeSimulator, startCozeSimulator } from "@chatbot-node/coze-sim"
import { authed, exchange, signJwt, streamChat } from "./support/wire.js"

describe("coze-sim auth", () => {
  let sim: CozeSimulator
  beforeAll(async () => {
    sim = await startCozeSimulator({ tokenTtlSeconds: 600 })
  })
  afterAll(() => sim.close())

  it("issues a token with an absolute expires_in and records the session name", async () => {
    const before = Math.floor(Date.now() / 1000)
    const res = await exchange(sim, await signJwt(sim, { sessionName: "visitor-42" }), { duration_seconds: 86399 })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { access_token: string; expires_in: number }
    expect(body.access_token).toMatch(/^czs_/)
    expect(body.expires_in).toBeGreaterThanOrEqual(before + 600)
    expect(body.expires_in).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 600)
    expect(sim.stats.sessionNames.at(-1)).toBe("visitor-42")
    const { res: chat } = await streamChat(sim, sim.bots.plain, "hello", { token: body.access_token })
    expect(chat.status).toBe(200)
    expect(chat.headers.get("content-type")).toContain("text/event-stream")
  })

  it("refuses a reused jti, a wrong kid, audience, issuer, key, an expired JWT and a missing one", async () => {
    const jwt = await signJwt(sim, { jti: "reused-jti-0123456789abcdef0123456789abcdef" })
    expect((await exchange(sim, jwt)).status).toBe(200)
    const other = (await jose.generateKeyPair("RS256")).privateKey
    const now = Math.floor(Date.now() / 1000)
    const bad = [
      jwt,
      await signJwt(sim, { kid: "not-the-kid" }),
      await signJwt(sim, { aud: "api.coze.com" }),
      await signJwt(sim, { iss: "123" }),
      await signJwt(sim, { key: other }),
      await signJwt(sim, { exp: now - 120 })
    ]
    for (const token of bad) {
      const res = await exchange(sim, token)
      expect(res.status).toBe(401)
      expect(await res.json()).toMatchObject({ error_code: "invalid_client" })
    }
    const none = await fetch(`${sim.url}/api/permission/oauth2/token`, { method: "POST", body: JSON.stringify({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer" }) })
    expect(await none.json()).toMatchObject({ error: "invalid_client" })
  })

  it("refuses a wrong grant type and a JWT without jti", async () => {
    const res = await exchange(sim, await signJwt(sim), { grant_type: "authorization_code" })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error_code: "unsupported_grant_type" })
    const key = await jose.importPKCS8(sim.oauth.privateKeyPem, "RS256")
    const noJti = await new jose.SignJWT({}).setProtectedHeader({ alg: "RS256", kid: sim.oauth.kid })
      .setIssuer(sim.oauth.clientId).setAudience(sim.audience).setIssuedAt().setExpirationTime("1h").sign(key)
    expect(await (await exchange(sim, noJti)).json()).toMatchObject({ error_code: "invalid_client" })
  })

  it("answers 4100 to unknown and expired tokens, alternately with HTTP 401 and HTTP 200", async () => {
    const body = (await (await exchange(sim, await signJwt(sim))).json()) as { access_token: string }
    expect((await fetch(`${sim.url}/v1/workspaces`, { headers: authed(body.access_token) })).status).toBe(200)
    sim.fault({ kind: "expireTokens" })
    const statuses: Array<number> = []
    for (const token of [body.access_token, "czs_unknown", body.access_token, "pat_wrong"]) {
      const res = await fetch(`${sim.url}/v1/workspaces`, { headers: authed(token) })
      expect(await res.json()).toMatchObject({ code: 4100 })
      expect(res.headers.get("x-tt-logid")).toMatch(/^\d{17}[0-9A-F]{17}$/)
      statuses.push(res.status)
    }
    expect(new Set(statuses)).toEqual(new Set([401, 200]))
    const unauth = await fetch(`${sim.url}/v1/workspaces`)
    expect(await unauth.json()).toMatchObject({ code: 4100 })
    expect((await fetch(`${sim.url}/v1/workspaces`, { headers: authed(sim.pat) })).status).toBe(200)
  })
})
