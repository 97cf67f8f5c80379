import { startCozeSimulator, type CozeSimulator } from "@chatbot-node/coze-sim"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { startServer } from "./support/server.js"
import { staffToken } from "./support/staff.js"

let sim: CozeSimulator
let server: Awaited<ReturnType<typeof startServer>>
let owner: string
let agent: string

beforeAll(async () => {
  sim = await startCozeSimulator()
  server = await startServer({
    COZE_BASE_URL: sim.url,
    COZE_API_TOKEN: sim.pat,
    COZE_BOT_ID: sim.bots.markup,
    COZE_WORKSPACE_ID: sim.workspaceId,
    // Every visitor's typing warms the connection here, however recently Coze was called.
    COZE_WARM_AFTER: "0 millis"
  })
  owner = await staffToken(server, { email: "owner@coze.test", role: "owner", shopIds: [] })
  agent = await staffToken(server, { email: "agent@coze.test", role: "agent", shopIds: ["shop-c"] })
})
afterAll(async () => {
  await server.stop()
  await sim.close()
})

const post = (path: string, body: unknown, token?: string) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body)
  })

const healthChecks = () => sim.stats.requests.filter((r) => r.method === "GET" && r.path === "/health").length

describe("the server against the Coze simulator", () => {
  it("gets Coze's connection ready when a visitor starts: a new session, then typing (204), each send a GET /health", async () => {
    const before = healthChecks()
    const session = (await (await post("/api/visitor/session", { shopId: "shop-c" })).json()) as { token: string }
    await expect.poll(healthChecks).toBe(before + 1)
    const typing = await post("/api/visitor/typing", {}, session.token)
    expect(typing.status).toBe(204)
    await expect.poll(healthChecks).toBe(before + 2)
    // Anonymous ids as for a message; no identity at all is refused, and warms nothing.
    expect((await post("/api/visitor/typing", { shopId: "shop-c", userId: "user-typing" })).status).toBe(204)
    await expect.poll(healthChecks).toBe(before + 3)
    const refused = await post("/api/visitor/typing", { shopId: "shop-c" })
    expect(refused.status).toBe(401)
    expect(((await refused.json()) as any).error.code).toBe("unauthorized")
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(healthChecks()).toBe(before + 3)
  })

  it("answers the seed's request through Coze, with the function-call markup turned into product cards", async () => {
    const res = await post("/api/coze/chat", { shopId: "shop-c", userId: "user-001", message: "running shoes" })
    const body = (await res.json()) as any
    expect(res.status).toBe(200)
    expect(body.botId).toBe(sim.bots.markup)
    expect(body.status).toBe("complete")
    expect(body.reply).not.toContain("FunctionCall")
    expect(body.functionCalls[0].name).toBe("get_product_list")
    expect(body.products.length).toBeGreaterThan(0)
    expect(sim.stats.chats).toBeGreaterThan(0)
  })

  it("answers a conversation's later messages at once: the previous reply's upstream call ended with it (the same Coze conversation, its lock free)", async () => {
    const first = (await (await post("/api/coze/chat", { shopId: "shop-c", userId: "user-004", message: "hello" })).json()) as any
    expect(first.status).toBe("complete")
    for (const message of ["and boots?", "thanks"]) {
      const started = Date.now()
      const res = await post("/api/coze/chat", { shopId: "shop-c", userId: "user-004", message, conversationId: first.conversationId })
      const body = (await res.json()) as any
      expect(res.status).toBe(200)
      expect(body.conversationId).toBe(first.conversationId)
      expect(body.status).toBe("complete")
      // Not a speed assertion: a reply that waited on the previous one's watchdog would take the 30 s first-event timeout.
      expect(Date.now() - started).toBeLessThan(10_000)
    }
  })

  it("accepts a request naming the configured bot and refuses another", async () => {
    expect((await post("/api/coze/chat", { shopId: "shop-c", userId: "user-002", message: "hello", botId: sim.bots.markup })).status).toBe(200)
    expect((await post("/api/coze/chat", { shopId: "shop-c", userId: "user-002", message: "hello", botId: sim.bots.plain })).status).toBe(403)
  })

  it("counts upstream failures by reason and code in /metrics, and times the first token", async () => {
    sim.fault({ kind: "chatFailed", code: 4011, msg: "quota exceeded", count: 1 })
    const failed = await post("/api/coze/chat", { shopId: "shop-c", userId: "user-003", message: "hello" })
    expect(failed.status).toBeGreaterThanOrEqual(500)
    sim.clearFaults()
    const text = await (await fetch(`${server.url}/metrics`)).text()
    expect(text).toMatch(/chatbot_upstream_errors_total\{reason="[a-z_]+",code="4011"\} 1/)
    expect(Number(/chatbot_time_to_first_token_seconds_count (\d+)/.exec(text)?.[1])).toBeGreaterThan(0)
  })

  it("lists the workspace's bots for admins and creates one for an owner", async () => {
    const list = await fetch(`${server.url}/api/coze/bots`, { headers: { Authorization: `Bearer ${agent}` } })
    const bots = ((await list.json()) as any).bots as Array<{ id: string; provider: string }>
    expect(list.status).toBe(200)
    expect(bots.map((b) => b.id)).toContain(sim.bots.markup)
    expect(bots.every((b) => b.provider === "coze")).toBe(true)
    expect((await post("/api/coze/bots", { name: "Agent's bot" }, agent)).status).toBe(403)
    const created = await post("/api/coze/bots", { name: "Autumn sale", description: "Answers about the sale", prompt: "Be brief." }, owner)
    const bot = ((await created.json()) as any).bot
    expect(created.status).toBe(201)
    expect(bot.id).toMatch(/^\d{19}$/)
    expect(bot.name).toBe("Autumn sale")
    const again = await fetch(`${server.url}/api/coze/bots`, { headers: { Authorization: `Bearer ${owner}` } })
    expect((((await again.json()) as any).bots as Array<{ id: string }>).map((b) => b.id)).toContain(bot.id)
  })
})

describe("the server against the Coze simulator with an OAuth JWT app", () => {
  let jwtServer: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    jwtServer = await startServer({
      COZE_BASE_URL: sim.url,
      COZE_CLIENT_ID: sim.oauth.clientId,
      COZE_PUBLIC_KEY: sim.oauth.kid,
      COZE_PRIVATE_KEY: sim.oauth.privateKeyPem,
      COZE_AUDIENCE: sim.audience,
      COZE_BOT_ID: sim.bots.plain
    })
  })
  afterAll(() => jwtServer.stop())

  it("gets a new visitor's Coze token while they write, so their first message waits for no exchange", async () => {
    const send = (path: string, body: unknown, token?: string) =>
      fetch(`${jwtServer.url}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body)
      })
    const session = (await (await send("/api/visitor/session", { shopId: "shop-j" })).json()) as { token: string; visitorId: string }
    await expect.poll(() => sim.stats.sessionNames.filter((name) => name === session.visitorId).length).toBe(1)
    expect((await send("/api/visitor/typing", {}, session.token)).status).toBe(204)
    const requests = sim.stats.requests.length
    const reply = await send("/api/coze/chat", { shopId: "shop-j", message: "hello" }, session.token)
    expect(reply.status).toBe(200)
    expect(((await reply.json()) as any).status).toBe("complete")
    // The chat and what follows it (the conversation's messages), no token exchange.
    expect(sim.stats.requests.slice(requests).map((r) => r.path)).not.toContain("/api/permission/oauth2/token")
    expect(sim.stats.sessionNames.filter((name) => name === session.visitorId)).toHaveLength(1)
  })
})
