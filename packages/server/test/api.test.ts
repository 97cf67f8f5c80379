import { SseParser } from "@chatbot-node/adapters/sse"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { startServer } from "./support/server.js"

let server: Awaited<ReturnType<typeof startServer>>
beforeAll(async () => { server = await startServer() })
afterAll(async () => { await server.stop() })

const post = (path: string, body: string, headers: Record<string, string> = { "Content-Type": "application/json" }) =>
  fetch(`${server.url}${path}`, { method: "POST", headers, body })

const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as any })

/** Reads an SSE response to its end (or until `stopAfter` says so), parsed. */
const readSse = async (res: Response, stopAfter?: (events: Array<{ id?: string | undefined; event?: string | undefined; data: string }>) => boolean) => {
  const parser = SseParser.makeParser()
  const events: Array<{ id?: string | undefined; event?: string | undefined; data: string }> = []
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    events.push(...parser.push(value))
    if (stopAfter?.(events)) {
      await reader.cancel()
      break
    }
  }
  return events
}

describe("the server over real HTTP (PGlite, demo bot)", () => {
  it("answers /health, / and demo images", async () => {
    const health = await json(await fetch(`${server.url}/health`))
    expect(health.status).toBe(200)
    expect(health.body).toMatchObject({ status: "ok", database: "connected" })
    expect(typeof health.body.uptime).toBe("number")
    const home = await fetch(`${server.url}/`)
    expect(home.headers.get("content-type")).toContain("text/html")
    const image = await fetch(`${server.url}/demo/images/shoe-trail.svg`)
    expect(image.status).toBe(200)
    expect(await image.text()).toContain("<svg")
  })

  it("serves the seed's request verbatim, as curl sends it (form content type, JSON body) and as JSON", async () => {
    const seed = `{\n    "shopId": "123",\n    "message": "Hello",\n    "userId": "user-001"\n  }`
    for (const headers of [{ "Content-Type": "application/x-www-form-urlencoded" }, { "Content-Type": "application/json", "Authorization": "Bearer YOUR_TOKEN", "tenant-id": "1" }]) {
      const r = await json(await post("/api/coze/chat", seed, headers))
      expect(r.status).toBe(200)
      expect(r.body.reply.length).toBeGreaterThan(0)
      expect(r.body.conversationId).toMatch(/^[A-Za-z0-9_-]{22}$/)
      expect(r.body.status).toBe("complete")
    }
  })

  it("answers a product question with product cards (markup hidden) in the visitor's language", async () => {
    const r = await json(await post("/api/coze/chat", JSON.stringify({ shopId: "shop-a", userId: "u-products", message: "¿Tienen zapatillas de trail?" })))
    expect(r.status).toBe(200)
    expect(r.body.locale).toBe("es")
    expect(r.body.reply).not.toContain("FunctionCall")
    expect(r.body.functionCalls[0].name).toBe("get_product_list")
    expect(r.body.products.map((p: any) => p.name)).toContain("Zapatillas de trail")
    expect(r.body.products[0].imageUrl).toMatch(/\/demo\/images\/.+\.svg$/)
    expect(r.body.suggestions.length).toBeGreaterThan(0)
  })

  it("refuses malformed requests with a 4xx JSON error and stores nothing", async () => {
    const ok = { shopId: "shop-m", userId: "u-m", message: "hi" }
    const body = (patch: Record<string, unknown>) => JSON.stringify({ ...ok, ...patch })
    const without = (key: string) => JSON.stringify(Object.fromEntries(Object.entries(ok).filter(([k]) => k !== key)))
    const cases: Array<[string, string, Record<string, string>?]> = [
      ["missing shopId", without("shopId")],
      ["missing message", without("message")],
      ["missing userId, no token", without("userId")],
      ["shopId a number", body({ shopId: 123 })],
      ["shopId null", body({ shopId: null })],
      ["shopId empty", body({ shopId: "" })],
      ["shopId with spaces", body({ shopId: "a shop" })],
      ["shopId too long", body({ shopId: "s".repeat(65) })],
      ["shopId an object", body({ shopId: { id: 1 } })],
      ["message a number", body({ message: 42 })],
      ["message null", body({ message: null })],
      ["message an array", body({ message: ["hi"] })],
      ["message an object", body({ message: { text: "hi" } })],
      ["message empty", body({ message: "" })],
      ["message only spaces", body({ message: "   \n\t " })],
      ["message too long (4001)", body({ message: "a".repeat(4001) })],
      ["message of 1 MB", body({ message: "a".repeat(1024 * 1024) })],
      ["userId a number", body({ userId: 7 })],
      ["userId empty", body({ userId: "" })],
      ["userId with a space", body({ userId: "a b" })],
      ["userId too long", body({ userId: "u".repeat(129) })],
      ["userId reserved for tokens", body({ userId: "vt-someone" })],
      ["botId a number", body({ botId: 5 })],
      ["botId not allowed", body({ botId: "bot-456" })],
      ["botId malformed", body({ botId: "bad bot" })],
      ["conversationId a number", body({ conversationId: 1 })],
      ["conversationId unknown format", body({ conversationId: "conv-001" })],
      ["conversationId nobody's", body({ conversationId: "AAAAAAAAAAAAAAAAAAAAAA" })],
      ["locale a number", body({ locale: 1 })],
      ["locale too long", body({ locale: "x".repeat(40) })],
      ["clientMessageId empty", body({ clientMessageId: "" })],
      ["clientMessageId with spaces", body({ clientMessageId: "a b" })],
      ["context a string", body({ context: "page" })],
      ["context.path a number", body({ context: { path: 1 } })],
      ["invalid JSON", "{\"shopId\": \"a\", "],
      ["JSON with trailing garbage", `${body({})}xyz`],
      ["JSON null", "null"],
      ["JSON array", "[]"],
      ["JSON string", "\"hello\""],
      ["JSON number", "42"],
      ["empty body", ""],
      ["form fields without message", "shopId=shop-m&userId=u-m"],
      ["text/plain", body({}), { "Content-Type": "text/plain" }],
      ["no content type", body({})],
      ["multipart", body({}), { "Content-Type": "multipart/form-data; boundary=x" }],
      ["xml", "<chat/>", { "Content-Type": "application/xml" }],
      ["octet-stream", body({}), { "Content-Type": "application/octet-stream" }],
      ["invalid UTF-8", "\uFFFD", { "Content-Type": "application/json", "X-Raw": "1" }],
      ["tampered token, no userId", without("userId"), { "Content-Type": "application/json", Authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA" }],
      ["token with alg none", without("userId"), { "Content-Type": "application/json", Authorization: "Bearer eyJhbGciOiJub25lIn0.eyJzaG9wIjoic2hvcC1tIiwic3ViIjoidnQteCJ9." }]
    ]
    expect(cases.length).toBeGreaterThanOrEqual(50)
    const before = await server.countConversations()
    for (const [name, payload, headers] of cases) {
      const init: RequestInit = { method: "POST", body: headers?.["X-Raw"] === "1" ? new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) : payload }
      init.headers = name === "no content type" ? {} : headers ?? { "Content-Type": "application/json" }
      if (name === "no content type") init.body = new Blob([payload])
      for (const path of ["/api/coze/chat", "/api/coze/chat/stream"]) {
        const res = await fetch(`${server.url}${path}`, init)
        expect(res.status, `${name} on ${path}`).toBeGreaterThanOrEqual(400)
        expect(res.status, `${name} on ${path}`).toBeLessThan(500)
        const parsed = (await res.json()) as any
        expect(typeof parsed.error.code, name).toBe("string")
        expect(typeof parsed.error.message, name).toBe("string")
      }
    }
    expect(await server.countConversations()).toBe(before)
  })

  it("answers errors in the visitor's language", async () => {
    const r = await json(await post("/api/coze/chat", JSON.stringify({ shopId: "s", userId: "u", message: " ", locale: "zh-CN" })))
    expect(r.status).toBe(400)
    expect(r.body.error.message).toBe("请输入消息内容。")
  })

  it("gives a visitor a token that reads only their own conversation", async () => {
    const session = await json(await post("/api/visitor/session", JSON.stringify({ shopId: "shop-t" })))
    expect(session.status).toBe(201)
    const auth = { "Content-Type": "application/json", Authorization: `Bearer ${session.body.token}` }
    const chat = await json(await post("/api/coze/chat", JSON.stringify({ shopId: "shop-t", message: "Hello" }), auth))
    expect(chat.status).toBe(200)
    const mine = await json(await fetch(`${server.url}/api/conversations/${chat.body.conversationId}/messages`, { headers: auth }))
    expect(mine.status).toBe(200)
    expect(mine.body.messages.map((m: any) => m.role)).toEqual(["visitor", "bot"])

    const other = await json(await post("/api/visitor/session", JSON.stringify({ shopId: "shop-t" })))
    const theirs = await fetch(`${server.url}/api/conversations/${chat.body.conversationId}/messages`, { headers: { Authorization: `Bearer ${other.body.token}` } })
    expect(theirs.status).toBe(404)
    const anonymous = await fetch(`${server.url}/api/conversations/${chat.body.conversationId}/messages?shopId=shop-t&userId=${session.body.visitorId}`)
    expect(anonymous.status).toBe(403)
    const tampered = session.body.token.slice(0, -3) + (session.body.token.endsWith("AAA") ? "BBB" : "AAA")
    const bad = await fetch(`${server.url}/api/conversations/${chat.body.conversationId}/messages`, { headers: { Authorization: `Bearer ${tampered}` } })
    expect(bad.status).toBe(401)
    const wrongShop = await post("/api/coze/chat", JSON.stringify({ shopId: "shop-other", message: "hi" }), auth)
    expect(wrongShop.status).toBe(403)
  })

  it("streams SSE with an id on every event and resumes after Last-Event-ID", async () => {
    const res = await post("/api/coze/chat/stream", JSON.stringify({ shopId: "shop-s", userId: "u-s", message: "show me watches" }))
    expect(res.headers.get("content-type")).toContain("text/event-stream")
    expect(res.headers.get("x-accel-buffering")).toBe("no")
    expect(res.headers.get("content-encoding")).toBe("identity")
    const all = await readSse(res)
    expect(all[0]!.event).toBe("started")
    expect(all.at(-1)!.event).toBe("done")
    expect(all.every((e) => /^[A-Za-z0-9_-]{22}:\d+$/.test(e.id ?? ""))).toBe(true)
    expect(all.some((e) => e.event === "products")).toBe(true)
    expect(all.some((e) => e.event === "message")).toBe(true)

    const resumed = await readSse(await post("/api/coze/chat/stream", JSON.stringify({ shopId: "shop-s", userId: "u-s" }), { "Content-Type": "application/json", "Last-Event-ID": all[2]!.id! }))
    expect(resumed.map((e) => e.id)).toEqual(all.slice(3).map((e) => e.id))
    expect(resumed.map((e) => e.data)).toEqual(all.slice(3).map((e) => e.data))

    const stranger = await post("/api/coze/chat/stream", JSON.stringify({ shopId: "shop-s", userId: "u-other" }), { "Content-Type": "application/json", "Last-Event-ID": all[2]!.id! })
    expect(stranger.status).toBe(404)
  })

  it("completes and stores the reply when the client goes away mid-stream", async () => {
    const controller = new AbortController()
    const res = await fetch(`${server.url}/api/coze/chat/stream`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ shopId: "shop-d", userId: "u-d", message: "Tell me about your headphones and speakers" }),
      signal: controller.signal
    })
    const seen = await readSse(res, (events) => events.some((e) => e.event === "delta"))
    controller.abort()
    const started = JSON.parse(seen[0]!.data)
    expect(seen.some((e) => e.event === "done")).toBe(false)
    let reply: any
    for (let i = 0; i < 100 && reply?.status !== "complete"; i++) {
      await new Promise((r) => setTimeout(r, 50))
      const r = await json(await fetch(`${server.url}/api/conversations/${started.conversationId}/messages?shopId=shop-d&userId=u-d`))
      reply = r.body.messages.find((m: any) => m.role === "bot")
    }
    expect(reply.status).toBe("complete")
    expect(reply.text).toContain("headphone")
    expect(reply.products.length).toBeGreaterThan(0)
  })
})

describe("the SSE chat stream's heartbeat (a slow bot, SSE_HEARTBEAT=0.1)", () => {
  let slow: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => { slow = await startServer({ SSE_HEARTBEAT: "0.1", DEMO_TOKEN_DELAY_MIN_MS: "50", DEMO_TOKEN_DELAY_MAX_MS: "70" }) })
  afterAll(async () => { await slow.stop() })

  it("sends heartbeat comments between the events of a reply that takes its time, and ends after done", async () => {
    const res = await fetch(`${slow.url}/api/coze/chat/stream`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ shopId: "shop-h", userId: "u-h", message: "Tell me about your headphones" })
    })
    const text = await res.text()
    const started = text.indexOf("event: started")
    const done = text.indexOf("event: done")
    const beats = [...text.matchAll(/^: heartbeat$/gm)].map((m) => m.index)
    expect(started).toBeGreaterThanOrEqual(0)
    expect(done).toBeGreaterThan(started)
    expect(beats.filter((at) => at > started && at < done).length).toBeGreaterThanOrEqual(2)
    expect(text.slice(done)).not.toMatch(/^: heartbeat$/m)
  })
})
