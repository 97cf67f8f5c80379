import { DemoCatalog } from "@chatbot-node/adapters/catalog/demo"
import { Ids, Shop, ShopDirectory } from "@chatbot-node/domain"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { setTimeout as sleep } from "node:timers/promises"
import { startServer } from "./support/server.js"

const shopWith = (id: string, allowedOrigins: Array<string>) =>
  new Shop.Shop({ ...DemoCatalog.demoShop(id), allowedOrigins, allowAnonymousUserId: true })

const chat = (url: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/coze/chat`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) })

const preflight = (url: string, origin: string) =>
  fetch(`${url}/api/coze/chat/stream`, {
    method: "OPTIONS",
    headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,authorization" }
  })

describe("production: CORS per shop and security headers", () => {
  let server: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    server = await startServer({
      NODE_ENV: "production",
      JWT_SECRET: "production-secret-0123456789abcdefghijklmnop",
      PUBLIC_URL: "https://chat.example",
      SHOP_IDS: "shop-open",
      METRICS_TOKEN: "metrics-token-123"
    })
    await server.runtime.runPromise(Effect.gen(function*() {
      const shops = yield* ShopDirectory
      yield* shops.saveShop(shopWith("shop-x", ["https://shop-x.example"]))
      yield* shops.saveShop(shopWith("shop-y", ["https://shop-y.example"]))
    }))
  })
  afterAll(async () => { await server.stop() })

  it("answers a preflight for an origin some shop allows, and not for others", async () => {
    const ok = await preflight(server.url, "https://shop-x.example")
    expect(ok.status).toBe(204)
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://shop-x.example")
    expect(ok.headers.get("access-control-allow-headers")).toMatch(/Authorization/i)
    expect(ok.headers.get("access-control-allow-credentials")).toBeNull()
    const refused = await preflight(server.url, "https://evil.example")
    expect(refused.headers.get("access-control-allow-origin")).toBeNull()
  })

  it("serves a shop's own origin, refuses another shop's and an unknown origin with 403, and a client without Origin", async () => {
    const own = await chat(server.url, { shopId: "shop-x", userId: "u1", message: "hello" }, { Origin: "https://shop-x.example" })
    expect(own.status).toBe(200)
    expect(own.headers.get("access-control-allow-origin")).toBe("https://shop-x.example")
    for (const origin of ["https://shop-y.example", "https://evil.example"]) {
      const r = await chat(server.url, { shopId: "shop-x", userId: "u1", message: "hello" }, { Origin: origin })
      expect(r.status).toBe(403)
      expect(((await r.json()) as any).error.code).toBe("forbidden_origin")
    }
    const session = await fetch(`${server.url}/api/visitor/session`, { method: "POST", headers: { "Content-Type": "application/json", Origin: "https://evil.example" }, body: JSON.stringify({ shopId: "shop-x" }) })
    expect(session.status).toBe(403)
    expect((await chat(server.url, { shopId: "shop-x", userId: "u1", message: "hello" })).status).toBe(200)
    expect((await chat(server.url, { shopId: "shop-x", userId: "u1", message: "hello" }, { Origin: "https://chat.example" })).status).toBe(200)
  })

  it("refuses an unknown shop in production with a 4xx JSON error", async () => {
    const r = await chat(server.url, { shopId: "shop-unknown", userId: "u1", message: "hello" })
    expect(r.status).toBe(404)
    expect(((await r.json()) as any).error.code).toBe("not_found")
  })

  it("sets security headers (CSP framable by the shops' origins, HSTS, nosniff, cross-origin resources) and no X-Powered-By", async () => {
    for (const path of ["/", "/health", "/api/nothing-here"]) {
      const r = await fetch(`${server.url}${path}`)
      const csp = r.headers.get("content-security-policy") ?? ""
      expect(csp).toContain("default-src 'self'")
      expect(csp).toContain("object-src 'none'")
      expect(csp).toMatch(/frame-ancestors 'self' (https:\/\/shop-x\.example https:\/\/shop-y\.example|https:\/\/shop-y\.example https:\/\/shop-x\.example)/)
      expect(r.headers.get("strict-transport-security")).toMatch(/max-age=\d+/)
      expect(r.headers.get("x-content-type-options")).toBe("nosniff")
      expect(r.headers.get("cross-origin-resource-policy")).toBe("cross-origin")
      expect(r.headers.get("x-powered-by")).toBeNull()
    }
  })

  it("shows no stack trace or secret in error responses", async () => {
    const r = await chat(server.url, { shopId: "shop-x", userId: "u1", message: 5 })
    const text = await r.text()
    expect(r.status).toBe(400)
    expect(text).not.toMatch(/at .+\.ts:\d+|production-secret|Error:/)
  })

  it("protects /metrics with METRICS_TOKEN", async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401)
    expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: "Bearer wrong" } })).status).toBe(401)
    const ok = await fetch(`${server.url}/metrics`, { headers: { Authorization: "Bearer metrics-token-123" } })
    expect(ok.status).toBe(200)
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/)
  })
})

describe("development: rate limits, metrics, any origin", () => {
  let server: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    server = await startServer({ RATE_LIMIT_VISITOR: "2/1", RATE_LIMIT_IP: "50/1", RATE_LIMIT_LOGIN: "3/1" })
  })
  afterAll(async () => { await server.stop() })

  it("lets any origin call the demo shop", async () => {
    const r = await chat(server.url, { shopId: "anything", userId: "u-cors", message: "hi" }, { Origin: "https://somewhere.example" })
    expect(r.status).toBe(200)
    expect(r.headers.get("access-control-allow-origin")).toBe("https://somewhere.example")
  })

  it("limits a visitor: 429 with Retry-After and the sentence in their language, another visitor unaffected, then recovers", async () => {
    const body = { shopId: "shop-rl", userId: "u-rl", message: "hola, ¿qué tal?", locale: "es" }
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await chat(server.url, body)).status)
    expect(statuses.slice(0, 2)).toEqual([200, 200])
    const limited = await chat(server.url, body)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
    const error = ((await limited.json()) as any).error
    expect(error.code).toBe("rate_limited")
    expect(error.message).toMatch(/^Estás enviando mensajes demasiado rápido\. Espera \d+ segundos/)
    const stream = await fetch(`${server.url}/api/coze/chat/stream`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
    expect(stream.status).toBe(429)
    expect((await chat(server.url, { ...body, userId: "u-other" })).status).toBe(200)
    await sleep(Number(limited.headers.get("retry-after")) * 1000 + 100)
    expect((await chat(server.url, body)).status).toBe(200)
  })

  it("limits sign-in attempts per IP, the same for right and wrong passwords, then recovers", async () => {
    const attempt = () => fetch(`${server.url}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json", "Accept-Language": "zh-CN" }, body: JSON.stringify({ email: "x@y.z", password: "nope" }) })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await attempt()).status)
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401])
    const limited = await attempt()
    expect(limited.status).toBe(429)
    expect(((await limited.json()) as any).error.message).toContain("秒")
    await sleep(Number(limited.headers.get("retry-after")) * 1000 + 100)
    expect((await attempt()).status).toBe(401)
  })

  it("exposes Prometheus metrics that parse: requests by route and status, errors by code, active replies, time to first token", async () => {
    const res = await fetch(`${server.url}/metrics`)
    expect(res.status).toBe(200)
    const text = await res.text()
    const samples = new Map<string, number>()
    for (const line of text.split("\n")) {
      if (line === "" || line.startsWith("#")) {
        if (line !== "") expect(line).toMatch(/^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/)
        continue
      }
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})?) (-?[0-9.]+(?:e[+-]?\d+)?|NaN|[+-]Inf)$/.exec(line)
      expect(m, line).not.toBeNull()
      samples.set(m![1]!, Number(m![2]))
    }
    expect(samples.get('chatbot_http_requests_total{method="POST",route="/api/coze/chat",status="200"}')).toBeGreaterThanOrEqual(4)
    expect(samples.get('chatbot_http_requests_total{method="POST",route="/api/coze/chat",status="429"}')).toBeGreaterThanOrEqual(1)
    expect(samples.get('chatbot_http_errors_total{route="/api/coze/chat",code="rate_limited"}')).toBeGreaterThanOrEqual(1)
    expect(samples.get('chatbot_http_errors_total{route="/api/auth/login",code="invalid_credentials"}')).toBeGreaterThanOrEqual(3)
    expect(samples.get("chatbot_active_replies")).toBe(0)
    expect(samples.get("chatbot_time_to_first_token_seconds_count")).toBeGreaterThanOrEqual(4)
  })
})
