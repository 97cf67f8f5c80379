import { afterAll, afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import { type CozeSimulator, startCozeSimulator } from "@chatbot-node/coze-sim"
import { ask, call, json, parseSse, pollChat, postChat, streamChat } from "./support/wire.js"

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe("coze-sim injected faults", () => {
  let sim: CozeSimulator
  beforeAll(async () => {
    sim = await startCozeSimulator()
  })
  afterEach(() => {
    sim.clearFaults()
    sim.pace(undefined)
  })
  afterAll(() => sim.close())

  const chatRequests = () => sim.stats.requests.filter((r) => r.path === "/v3/chat").length

  it("delayFirstByte: nothing is answered before the delay", async () => {
    sim.fault({ kind: "delayFirstByte", ms: 400 })
    const before = chatRequests()
    const pending = streamChat(sim, sim.bots.plain, "hi")
    await wait(50)
    expect(chatRequests()).toBe(before)
    const { res, events } = await pending
    expect(res.status).toBe(200)
    expect(events.at(-1)!.event).toBe("done")
  })

  it("delayFirstByte: a client that gives up during the delay leaves no chat behind", async () => {
    sim.fault({ kind: "delayFirstByte", ms: 300 })
    const chats = sim.stats.chats
    const controller = new AbortController()
    const pending = fetch(`${sim.url}/v3/chat`, {
      method: "POST", signal: controller.signal, headers: { authorization: `Bearer ${sim.pat}`, "content-type": "application/json" },
      body: JSON.stringify({ bot_id: sim.bots.plain, user_id: "u", stream: true, additional_messages: ask("x") })
    })
    await wait(50)
    controller.abort()
    await expect(pending).rejects.toThrow()
    await wait(400)
    expect(sim.stats.chats).toBe(chats)
  })

  it("slowTokens: the first event arrives while the answer is still being generated", async () => {
    sim.fault({ kind: "slowTokens", msPerToken: 30 })
    const res = await postChat(sim, { bot_id: sim.bots.plain, user_id: "u", stream: true, additional_messages: ask("hello there") })
    const reader = res.body!.getReader()
    const first = new TextDecoder().decode((await reader.read()).value)
    const created = json(parseSse(first)[0]!)
    expect(sim.conversations.get(created.conversation_id)!.messages.some((m) => m.type === "answer")).toBe(false)
    while (!(await reader.read()).done) { /* drain */ }
    expect(sim.conversations.get(created.conversation_id)!.messages.some((m) => m.type === "answer")).toBe(true)
  })

  it("http: 500 with a JSON envelope, 502/503 with an HTML body, for `count` requests, then normal again", async () => {
    sim.fault({ kind: "http", status: 500 })
    sim.fault({ kind: "http", status: 502, count: 2, path: "/v1/workspaces" })
    sim.fault({ kind: "http", status: 503, path: "/api/permission/oauth2/token" })
    const r500 = await postChat(sim, { bot_id: sim.bots.plain, user_id: "u", stream: true, additional_messages: ask("x") })
    expect(r500.status).toBe(500)
    expect(await r500.json()).toMatchObject({ code: 5000 })
    for (let i = 0; i < 2; i++) {
      const r = await fetch(`${sim.url}/v1/workspaces`, { headers: { authorization: `Bearer ${sim.pat}` } })
      expect(r.status).toBe(502)
      expect(r.headers.get("content-type")).toContain("text/html")
      expect(r.headers.get("x-tt-logid")).toBeTruthy()
      await r.text()
    }
    expect((await call(sim, "GET", "/v1/workspaces")).status).toBe(200)
    expect((await fetch(`${sim.url}/api/permission/oauth2/token`, { method: "POST" })).status).toBe(503)
    expect((await streamChat(sim, sim.bots.plain, "x")).res.status).toBe(200)
  })

  it("jsonErrorOnStream: a JSON envelope where SSE was asked (non-streamed requests pass untouched)", async () => {
    sim.fault({ kind: "jsonErrorOnStream", code: 4013, msg: "model error" })
    const plain = await call(sim, "POST", "/v3/chat", { bot_id: sim.bots.plain, user_id: "u", additional_messages: ask("x") })
    expect(plain.body.code).toBe(0)
    await pollChat(sim, plain.body.data.conversation_id, plain.body.data.id)
    const { res } = await streamChat(sim, sim.bots.plain, "x")
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toContain("application/json")
    const again = await streamChat(sim, sim.bots.plain, "x")
    expect(again.events.at(-1)!.event).toBe("done")
  })

  it("malformedSse: a broken data line before the first delta, the rest of the stream intact", async () => {
    sim.fault({ kind: "malformedSse" })
    const { events } = await streamChat(sim, sim.bots.plain, "x")
    const unparsable = events.filter((e) => e.event !== "done" && (() => {
      try {
        JSON.parse(e.data)
        return false
      } catch {
        return true
      }
    })())
    expect(unparsable.length).toBe(1)
    expect(events.at(-1)!.event).toBe("done")
  })

  it("dropMidStream: the connection is cut after N events; the chat still finishes upstream", async () => {
    sim.fault({ kind: "dropMidStream", afterEvents: 4 })
    const res = await postChat(sim, { bot_id: sim.bots.plain, user_id: "u", stream: true, additional_messages: ask("x") })
    const reader = res.body!.getReader()
    let text = ""
    await expect((async () => {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        text += new TextDecoder().decode(value)
      }
    })()).rejects.toThrow()
    const events = parseSse(text)
    expect(events.length).toBe(4)
    const conv = json(events[0]!).conversation_id
    expect(sim.conversations.get(conv)!.runningChatId).toBeUndefined()
    const next = await streamChat(sim, sim.bots.plain, "again", { conversationId: conv })
    expect(next.events.at(-1)!.event).toBe("done")
  })

  it("busy (4016) and throttled (4009, HTTP 429 with Retry-After when given) refuse the next request only", async () => {
    sim.fault({ kind: "busy" })
    expect(await (await postChat(sim, { bot_id: sim.bots.plain, user_id: "u", stream: true, additional_messages: ask("x") })).json()).toMatchObject({ code: 4016 })
    sim.fault({ kind: "throttled", retryAfterSeconds: 2 })
    const r429 = await postChat(sim, { bot_id: sim.bots.plain, user_id: "u", stream: true, additional_messages: ask("x") })
    expect(r429.status).toBe(429)
    expect(r429.headers.get("retry-after")).toBe("2")
    expect(await r429.json()).toMatchObject({ code: 4009 })
    sim.fault({ kind: "throttled" })
    const r200 = await call(sim, "POST", "/v3/chat", { bot_id: sim.bots.plain, user_id: "u", additional_messages: ask("x") })
    expect(r200.status).toBe(200)
    expect(r200.body.code).toBe(4009)
    expect((await streamChat(sim, sim.bots.plain, "x")).events.at(-1)!.event).toBe("done")
  })

  it("chatFailed ends the stream with conversation.chat.failed (chat object or bare {code,msg}) and fails polled chats", async () => {
    const failures: Array<Record<string, any>> = []
    for (let i = 0; i < 2; i++) {
      sim.fault({ kind: "chatFailed", code: 4013, msg: "model error", afterDeltas: 2 })
      const { events } = await streamChat(sim, sim.bots.plain, "x")
      expect(events.map((e) => e.event).slice(-2)).toEqual(["conversation.chat.failed", "done"])
      expect(events.filter((e) => e.event === "conversation.message.delta").length).toBe(2)
      failures.push(json(events.at(-2)!))
    }
    expect(failures.some((f) => f.last_error?.code === 4013 && f.status === "failed")).toBe(true)
    expect(failures.some((f) => f.code === 4013 && f.status === undefined)).toBe(true)
    sim.fault({ kind: "chatFailed", code: 4013, msg: "model error" })
    const polled = await call(sim, "POST", "/v3/chat", { bot_id: sim.bots.plain, user_id: "u", additional_messages: ask("x") })
    expect(await pollChat(sim, polled.body.data.conversation_id, polled.body.data.id)).toMatchObject({ status: "failed", last_error: { code: 4013 } })
  })

  it("errorEvent ends the stream with an `error` event after some deltas", async () => {
    sim.fault({ kind: "errorEvent", code: 4013, msg: "model error", afterDeltas: 3 })
    const { events } = await streamChat(sim, sim.bots.plain, "x")
    expect(events.filter((e) => e.event === "conversation.message.delta").length).toBe(3)
    expect(events.at(-1)).toMatchObject({ event: "error" })
    expect(json(events.at(-1)!)).toEqual({ code: 4013, msg: "model error" })
  })

  it("clearFaults drops pending faults", async () => {
    sim.fault({ kind: "busy", count: 5 })
    sim.clearFaults()
    expect((await streamChat(sim, sim.bots.plain, "x")).events.at(-1)!.event).toBe("done")
  })
})
