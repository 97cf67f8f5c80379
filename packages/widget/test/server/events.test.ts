import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { makeSseParser, type SseEvent } from "../../src/transport/SseReader.js"
import { startServer } from "../support/server.js"

let server: Awaited<ReturnType<typeof startServer>>
beforeAll(async () => { server = await startServer() }, 120_000)
afterAll(async () => { await server?.stop() })

const session = async (shopId = "shop-w") => {
  const res = await fetch(`${server.url}/api/visitor/session`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ shopId }) })
  return ((await res.json()) as { token: string }).token
}
const auth = (token: string, extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...extra })

/** Opens an SSE response and collects its events until `until` holds (then cancels the body). */
const collect = async (res: Response, until: (events: Array<SseEvent>) => boolean) => {
  const parse = makeSseParser()
  const events: Array<SseEvent> = []
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  while (!until(events)) {
    const { done, value } = await reader.read()
    if (done) break
    events.push(...parse(value))
  }
  await reader.cancel()
  return events
}

const chat = async (token: string, message: string, clientMessageId: string, conversationId?: string) => {
  const res = await fetch(`${server.url}/api/coze/chat/stream`, {
    method: "POST",
    headers: auth(token),
    body: JSON.stringify({ shopId: "shop-w", message, clientMessageId, locale: "en", ...(conversationId ? { conversationId } : {}) })
  })
  const events = await collect(res, (es) => es.some((e) => e.event === "done"))
  const started = JSON.parse(events.find((e) => e.event === "started")!.data) as { conversationId: string; replyId: string }
  return { events, ...started }
}

describe("the visitor's events feed and handoff, over real HTTP", () => {
  it("replays stored messages after Last-Event-ID, then the live status, and a handoff request goes live", async () => {
    const token = await session()
    const turn = await chat(token, "Do you have trail shoes?", "c-events-1")
    const feed = await fetch(`${server.url}/api/conversations/${turn.conversationId}/events`, { headers: auth(token, { "Last-Event-ID": "0" }) })
    expect(feed.status).toBe(200)
    expect(feed.headers.get("content-type")).toContain("text/event-stream")
    expect(feed.headers.get("x-accel-buffering")).toBe("no")
    const human = (async () => {
      await new Promise((r) => setTimeout(r, 300))
      const res = await fetch(`${server.url}/api/conversations/${turn.conversationId}/human`, { method: "POST", headers: auth(token), body: "{}" })
      return { status: res.status, body: (await res.json()) as { status: string } }
    })()
    const events = await collect(feed, (es) => es.some((e) => e.event === "message" && JSON.parse(e.data).message.role === "system"))
    const messages = events.filter((e) => e.event === "message").map((e) => ({ id: e.id, m: JSON.parse(e.data).message as { seq: number; role: string; text: string; products: Array<unknown> } }))
    expect(messages.slice(0, 2).map((x) => [x.id, x.m.role])).toEqual([["1", "visitor"], ["2", "bot"]])
    expect(messages[1]!.m.products.length).toBeGreaterThan(0)
    const statuses = events.filter((e) => e.event === "status").map((e) => JSON.parse(e.data).status)
    expect(statuses).toEqual(["bot", "waiting-for-agent"])
    expect(messages.at(-1)!.m.text).toContain("person")
    expect(await human).toEqual({ status: 200, body: { conversationId: turn.conversationId, status: "waiting-for-agent" } })
    // asked twice: still waiting, no error
    const again = await fetch(`${server.url}/api/conversations/${turn.conversationId}/human`, { method: "POST", headers: auth(token), body: "{}" })
    expect(again.status).toBe(200)
  })

  it("resumes after the last seq seen: nothing twice, nothing missed", async () => {
    const token = await session()
    const first = await chat(token, "hello", "c-events-2")
    await chat(token, "shipping?", "c-events-3", first.conversationId)
    const feed = await fetch(`${server.url}/api/conversations/${first.conversationId}/events`, { headers: auth(token, { "Last-Event-ID": "2" }) })
    const events = await collect(feed, (es) => es.some((e) => e.event === "status"))
    expect(events.filter((e) => e.event === "message").map((e) => e.id)).toEqual(["3", "4"])
  })

  it("keeps an idle feed open with heartbeat comments, after the replay, and still delivers live events", async () => {
    const token = await session()
    const turn = await chat(token, "hello", "c-events-5")
    const feed = await fetch(`${server.url}/api/conversations/${turn.conversationId}/events`, { headers: auth(token, { "Last-Event-ID": "2" }), signal: AbortSignal.timeout(10_000) })
    const reader = feed.body!.pipeThrough(new TextDecoderStream()).getReader()
    let text = ""
    // The test server beats every second (SSE_HEARTBEAT=1): two beats, then a live status change.
    while ((text.match(/^: heartbeat$/gm) ?? []).length < 2) text += (await reader.read()).value ?? ""
    expect(text.indexOf("event: status")).toBeLessThan(text.indexOf(": heartbeat"))
    const human = await fetch(`${server.url}/api/conversations/${turn.conversationId}/human`, { method: "POST", headers: auth(token), body: "{}" })
    expect(human.status).toBe(200)
    while (!text.includes("waiting-for-agent")) text += (await reader.read()).value ?? ""
    await reader.cancel()
  })

  it("is 404 for another visitor's conversation and 401 without a token", async () => {
    const owner = await session()
    const turn = await chat(owner, "hello", "c-events-4")
    const stranger = await session()
    for (const path of ["events", "human"]) {
      const method = path === "events" ? "GET" : "POST"
      const other = await fetch(`${server.url}/api/conversations/${turn.conversationId}/${path}`, { method, headers: auth(stranger), ...(method === "POST" ? { body: "{}" } : {}) })
      expect(other.status).toBe(404)
      const nobody = await fetch(`${server.url}/api/conversations/${turn.conversationId}/${path}`, { method, ...(method === "POST" ? { body: "{}", headers: { "Content-Type": "application/json" } } : {}) })
      expect(nobody.status).toBe(401)
    }
  })

  it("serves the widget to any site and the pages", async () => {
    const loader = await fetch(`${server.url}/widget.js`)
    expect(loader.status).toBe(200)
    expect(loader.headers.get("content-type")).toContain("javascript")
    expect(loader.headers.get("access-control-allow-origin")).toBe("*")
    expect((await fetch(`${server.url}/widget-panel.js`)).status).toBe(200)
    for (const page of ["/", "/product-inquiry-demo.html"]) {
      const res = await fetch(`${server.url}${page}`)
      expect(res.headers.get("content-type")).toContain("text/html")
      expect(await res.text()).toContain(`<script src="/widget.js" data-shop="demo"`)
    }
  })
})
