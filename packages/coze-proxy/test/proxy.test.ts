import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type CozeSimulator, startCozeSimulator } from "@chatbot-node/coze-sim"
import worker, { makeHandler } from "../src/worker.js"
import { type Served, serveHandler } from "./support/serveHandler.js"

const secret = "test-proxy-secret-0123456789"

const question = (botId: string, text: string, stream = true) =>
  JSON.stringify({ bot_id: botId, user_id: "visitor-1", stream, additional_messages: [{ role: "user", content: text, content_type: "text" }] })

describe("coze-proxy handler in front of the simulator", () => {
  let sim: CozeSimulator
  let proxy: Served
  const seen: Array<{ url: string; headers: Headers }> = []

  beforeAll(async () => {
    sim = await startCozeSimulator()
    const recordingFetch: typeof fetch = (input, init) => {
      seen.push({ url: String(input), headers: new Headers(init?.headers) })
      return fetch(input, init)
    }
    proxy = await serveHandler(makeHandler({ upstream: sim.url, secret, fetch: recordingFetch }))
  })
  afterAll(async () => {
    await proxy.close()
    await sim.close()
  })

  const headers = (extra: Record<string, string> = {}) => ({
    "X-Proxy-Secret": secret, authorization: `Bearer ${sim.pat}`, "content-type": "application/json", ...extra
  })

  it("answers its own health check without a secret", async () => {
    const res = await fetch(`${proxy.url}/health`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: "ok" })
  })

  it("refuses a missing or wrong secret without calling upstream", async () => {
    const before = sim.stats.requests.length
    for (const h of [{ authorization: `Bearer ${sim.pat}` }, { ...headers(), "X-Proxy-Secret": "wrong" }, { ...headers(), "X-Proxy-Secret": `${secret}x` }]) {
      const res = await fetch(`${proxy.url}/v1/workspaces`, { headers: h })
      expect(res.status).toBe(401)
      expect(await res.json()).toMatchObject({ code: 401 })
    }
    expect(sim.stats.requests.length).toBe(before)
  })

  it("forwards only the allowlisted paths and methods", async () => {
    const before = sim.stats.requests.length
    for (const path of ["/v1/users/me", "/v1/files/upload", "/v1/bots/abc", "/open_api/v2/chat", "/v3/chatx", "/"]) {
      const res = await fetch(`${proxy.url}${path}`, { headers: headers() })
      expect(res.status).toBe(404)
      expect(res.headers.get("content-type")).toContain("application/json")
    }
    const wrongMethod = await fetch(`${proxy.url}/v3/chat`, { headers: headers() })
    expect(wrongMethod.status).toBe(405)
    expect(sim.stats.requests.length).toBe(before)
  })

  it("forwards method, query, body, authorization and content type, strips the secret, passes the log id", async () => {
    const list = await fetch(`${proxy.url}/v1/bots?workspace_id=${sim.workspaceId}&publish_status=all`, { headers: headers() })
    expect(list.status).toBe(200)
    const body = (await list.json()) as { data: { total: number }; detail: { logid: string } }
    expect(body.data.total).toBe(Object.keys(sim.bots).length)
    expect(list.headers.get("x-tt-logid")).toBe(body.detail.logid)
    const forwarded = seen.at(-1)!
    expect(forwarded.url).toBe(`${sim.url}/v1/bots?workspace_id=${sim.workspaceId}&publish_status=all`)
    expect(forwarded.headers.get("x-proxy-secret")).toBeNull()
    expect(forwarded.headers.get("authorization")).toBe(`Bearer ${sim.pat}`)

    const created = await fetch(`${proxy.url}/v1/conversation/create`, { method: "POST", headers: headers(), body: JSON.stringify({ bot_id: sim.bots.plain }) })
    const conv = (await created.json()) as { data: { id: string } }
    expect(conv.data.id).toMatch(/^\d{19}$/)
    expect(sim.conversations.has(conv.data.id)).toBe(true)
    const bot = await fetch(`${proxy.url}/v1/bots/${sim.bots.plain}`, { headers: headers() })
    expect(await bot.json()).toMatchObject({ code: 0, data: { bot_id: sim.bots.plain } })
  })

  it("passes upstream error statuses and bodies through", async () => {
    const unauth = await fetch(`${proxy.url}/v1/workspaces`, { headers: { ...headers(), authorization: "Bearer czs_nope" } })
    expect(await unauth.json()).toMatchObject({ code: 4100 })
    sim.fault({ kind: "http", status: 502, path: "/v1/workspaces" })
    const gateway = await fetch(`${proxy.url}/v1/workspaces`, { headers: headers() })
    expect(gateway.status).toBe(502)
    expect(await gateway.text()).toContain("Bad Gateway")
  })

  it("streams a chat through, unbuffered, with the first event before the simulator has finished", async () => {
    sim.pace({ firstTokenMs: 300, tokensPerSecond: 25 })
    try {
      const res = await fetch(`${proxy.url}/v3/chat`, { method: "POST", headers: headers(), body: question(sim.bots.plain, "Is it in stock?") })
      expect(res.headers.get("content-type")).toContain("text/event-stream")
      expect(res.headers.get("x-accel-buffering")).toBe("no")
      expect(res.headers.get("cache-control")).toContain("no-transform")
      expect(res.headers.get("content-encoding")).toBeNull()
      expect(res.headers.get("x-tt-logid")).toBeTruthy()
      const reader = res.body!.getReader()
      const decoder = new TextDecoder()
      let text = ""
      while (!text.includes("\n\n")) {
        const { value, done } = await reader.read()
        if (done) break
        text += decoder.decode(value, { stream: true })
      }
      const first = /data:(.*)\n/.exec(text)![1]!
      const created = JSON.parse(first) as { conversation_id: string; id: string }
      expect(text).toMatch(/^event: ?conversation\.chat\.created/)
      // The simulator is still generating: the answer is not stored yet, the chat is still running.
      const conversation = sim.conversations.get(created.conversation_id)!
      expect(conversation.messages.some((m) => m.type === "answer")).toBe(false)
      expect(conversation.runningChatId).toBe(created.id)
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        text += decoder.decode(value, { stream: true })
      }
      expect(text).toMatch(/event: ?done\ndata:"?\[DONE\]"?\n\n$/)
      expect(conversation.messages.some((m) => m.type === "answer")).toBe(true)
    } finally {
      sim.pace(undefined)
    }
  })

  it("streams a dropped upstream connection as a dropped connection", async () => {
    sim.fault({ kind: "dropMidStream", afterEvents: 3 })
    const res = await fetch(`${proxy.url}/v3/chat`, { method: "POST", headers: headers(), body: question(sim.bots.plain, "hi") })
    await expect(res.text()).rejects.toThrow()
  })

  it("forwards the JWT token exchange", async () => {
    const res = await fetch(`${proxy.url}/api/permission/oauth2/token`, { method: "POST", headers: headers({ authorization: "Bearer not-a-jwt" }), body: JSON.stringify({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer" }) })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error_code: "invalid_client" })
  })

  it("answers 502 when upstream is unreachable", async () => {
    const handler = makeHandler({ upstream: "http://127.0.0.1:1", secret })
    const res = await handler(new Request("http://proxy/v1/workspaces", { headers: headers() }))
    expect(res.status).toBe(502)
  })

  it("the module Worker refuses to run without a configured secret and uses env.COZE_UPSTREAM", async () => {
    const unconfigured = await worker.fetch(new Request("http://proxy/v1/workspaces", { headers: headers() }), {}, { waitUntil: () => {} })
    expect(unconfigured.status).toBe(500)
    const health = await worker.fetch(new Request("http://proxy/health"), {}, { waitUntil: () => {} })
    expect(health.status).toBe(200)
    const res = await worker.fetch(new Request("http://proxy/v1/workspaces", { headers: headers() }), { COZE_UPSTREAM: sim.url, COZE_PROXY_SECRET: secret }, { waitUntil: () => {} })
    expect(await res.json()).toMatchObject({ code: 0, data: { workspaces: [{ id: sim.workspaceId }] } })
  })
})
