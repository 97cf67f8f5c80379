import { Ids, Shop, ShopDirectory } from "@chatbot-node/domain"
import { DemoCatalog } from "@chatbot-node/adapters/catalog/demo"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Socket } from "socket.io-client"
import { adminToken, connect, makeDataDir, recorder, removeDataDir, startInProcess, visitorToken } from "./support/realtime.js"

let server: Awaited<ReturnType<typeof startInProcess>>
let dataDir: string
const sockets: Array<Socket> = []
const track = (socket: Socket) => { sockets.push(socket); return socket }

beforeAll(async () => {
  dataDir = makeDataDir()
  server = await startInProcess(dataDir)
})
afterAll(async () => {
  for (const s of sockets) s.close()
  await server.stop()
  removeDataDir(dataDir)
})

const visitor = async (shopId = "shop-rt") => {
  const session = await visitorToken(server.url, shopId)
  const socket = track(await connect(server.url, "/visitor", { token: session.token }))
  return { socket, events: recorder(socket), session }
}

describe("Socket.io: the visitor namespace", () => {
  it("acknowledges a message with its stored id, streams the reply as chat:event, and stores a retry once", async () => {
    const { socket, events } = await visitor()
    const ack = await socket.emitWithAck("message:send", { text: "Do you have running shoes?", clientMessageId: "m-1" })
    expect(ack).toMatchObject({ ok: true, duplicate: false, seq: 1 })
    expect(ack.messageId).toMatch(/^[A-Za-z0-9_-]{22}$/)
    const done = await events.next((e) => e._tag === "done")
    expect(done.status).toBe("complete")
    const tags = events.events.map((e) => e._tag)
    // The visitor's own stored message first (as on the live feed), then the turn's events as over SSE.
    expect(tags.slice(0, 2)).toEqual(["message", "started"])
    expect(events.events[0].message).toMatchObject({ id: ack.messageId, role: "visitor", seq: 1 })
    expect(tags).toContain("delta")
    expect(tags).toContain("products")
    const reply = events.events.find((e) => e._tag === "message" && e.message.role === "bot")
    expect(reply.message.status).toBe("complete")
    const streamed = events.events.filter((e) => e._tag === "delta").map((e) => e.text).join("")
    expect(streamed).toBe(reply.message.text)
    // Every event once: the turn's own stream and the live feed are not both delivered.
    expect(tags.filter((t) => t === "done")).toHaveLength(1)
    expect(tags.filter((t) => t === "started")).toHaveLength(1)

    const retry = await socket.emitWithAck("message:send", { text: "Do you have running shoes?", clientMessageId: "m-1", conversationId: ack.conversationId })
    expect(retry).toMatchObject({ ok: true, duplicate: true, messageId: ack.messageId, conversationId: ack.conversationId })

    const before = events.events.length
    const second = await socket.emitWithAck("message:send", { text: "and in size 42?", clientMessageId: "m-2", conversationId: ack.conversationId })
    expect(second).toMatchObject({ ok: true, duplicate: false, seq: 3 })
    await events.next((e) => e._tag === "done", 15_000, before)
    const after = events.events.slice(before).map((e) => e._tag)
    expect(after.filter((t) => t === "done")).toHaveLength(1)
  })

  it("answers bad payloads with an error acknowledgement and stays connected", async () => {
    const { socket } = await visitor()
    const bad: Array<[string, unknown]> = [
      ["message:send", { text: 5, clientMessageId: "x" }],
      ["message:send", { text: "hi" }],
      ["message:send", { text: "hi", clientMessageId: "has space" }],
      ["message:send", { text: "hi", clientMessageId: "ok", conversationId: "not-an-id" }],
      ["message:send", "just a string"],
      ["message:send", null],
      ["resume", { conversationId: "AAAAAAAAAAAAAAAAAAAAAA", afterSeq: -1 }],
      ["human:request", {}],
      ["typing", { conversationId: 1, typing: "yes" }]
    ]
    for (const [event, payload] of bad) {
      const ack = await socket.emitWithAck(event, payload)
      expect(ack, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: "bad_request" } })
      expect(typeof ack.error.message).toBe("string")
    }
    const empty = await socket.emitWithAck("message:send", { text: "   ", clientMessageId: "blank" })
    expect(empty).toMatchObject({ ok: false, error: { code: "bad_request" } })
    const foreign = await socket.emitWithAck("resume", { conversationId: "AAAAAAAAAAAAAAAAAAAAAA", afterSeq: 0 })
    expect(foreign).toMatchObject({ ok: false, error: { code: "not_found" } })
    expect(socket.connected).toBe(true)
    const fine = await socket.emitWithAck("message:send", { text: "hello", clientMessageId: "after-bad" })
    expect(fine.ok).toBe(true)
  })

  it("refuses a missing or tampered token and a foreign Origin; accepts the shop's own origin", async () => {
    await expect(connect(server.url, "/visitor", {})).rejects.toMatchObject({ data: { code: "unauthorized" } })
    const { token } = await visitorToken(server.url, "shop-rt")
    await expect(connect(server.url, "/visitor", { token: token.slice(0, -2) + "xx" })).rejects.toMatchObject({ data: { code: "unauthorized" } })
    const shop = new Shop.Shop({ ...DemoCatalog.demoShop("shop-strict"), allowedOrigins: ["https://shop.example"] })
    await server.runtime.runPromise(Effect.flatMap(ShopDirectory, (d) => d.saveShop(shop)))
    const strict = await visitorToken(server.url, "shop-strict")
    await expect(connect(server.url, "/visitor", { token: strict.token }, { Origin: "https://evil.example" }))
      .rejects.toMatchObject({ data: { code: "forbidden_origin" } })
    const ok = track(await connect(server.url, "/visitor", { token: strict.token }, { Origin: "https://shop.example" }))
    expect(ok.connected).toBe(true)
    const agentRefused = connect(server.url, "/agent", { token })
    await expect(agentRefused).rejects.toMatchObject({ data: { code: "unauthorized" } })
  })

  it("limits the events a socket may send", async () => {
    const { socket } = await visitor()
    const acks = await Promise.all(Array.from({ length: 260 }, () => socket.emitWithAck("typing", { conversationId: "AAAAAAAAAAAAAAAAAAAAAA", typing: true })))
    expect(acks.filter((a) => a.error?.code === "rate_limited").length).toBeGreaterThan(0)
  })

  it("applies the HTTP message limits to sockets too (20 a minute per visitor), answered in the visitor's language", async () => {
    const session = await visitorToken(server.url, "shop-rt")
    const socket = track(await connect(server.url, "/visitor", { token: session.token, locale: "es" }))
    const acks: Array<any> = []
    let conversationId: string | undefined
    for (let i = 0; i < 21; i++) {
      const ack = await socket.emitWithAck("message:send", { text: `hola ${i}`, clientMessageId: `rl-${i}`, ...(conversationId ? { conversationId } : {}) })
      conversationId ??= ack.conversationId
      acks.push(ack)
    }
    expect(acks.slice(0, 20).every((a) => a.ok)).toBe(true)
    expect(acks[20]).toMatchObject({ ok: false, error: { code: "rate_limited" } })
    expect(acks[20].error.message).toMatch(/segundos/)
  }, 60_000)

  it("drops a connection that sends more than maxHttpBufferSize", async () => {
    const { socket } = await visitor()
    const closed = new Promise<string>((resolve) => socket.once("disconnect", (reason) => resolve(reason)))
    socket.emit("message:send", { text: "x".repeat(20_000), clientMessageId: "huge" })
    expect(await closed).toMatch(/close/)
  })
})

describe("Socket.io: the agent namespace and human handoff", () => {
  it("shows the inbox live, takes over, replies, hands back and closes", async () => {
    const token = await adminToken(server.url)
    const agent = track(await connect(server.url, "/agent", { token }))
    const inbox = recorder(agent, "inbox:event")
    const watched = recorder(agent)
    const shopId = "shop-handoff"
    const listed = await agent.emitWithAck("inbox", { shopId })
    expect(listed).toMatchObject({ ok: true, items: [] })

    const v = await visitor(shopId)
    const sent = await v.socket.emitWithAck("message:send", { text: "hello", clientMessageId: "h-1", locale: "es" })
    const conversationId = sent.conversationId as string
    await inbox.next((e) => e.conversationId === conversationId && e.event._tag === "started")
    await v.events.next((e) => e._tag === "done")

    expect(await v.socket.emitWithAck("human:request", { conversationId })).toMatchObject({ ok: true, status: "waiting-for-agent" })
    await inbox.next((e) => e.conversationId === conversationId && e.event._tag === "status" && e.event.status === "waiting-for-agent")
    const waiting = await agent.emitWithAck("inbox", { shopId })
    expect(waiting.items[0]).toMatchObject({ id: conversationId, status: "waiting-for-agent" })

    const watch = await agent.emitWithAck("watch", { conversationId })
    expect(watch.ok).toBe(true)
    expect(watch.messages.map((m: any) => m.role)).toEqual(["visitor", "bot", "system"])

    expect(await agent.emitWithAck("takeover", { conversationId })).toMatchObject({ ok: true, status: "agent" })
    await v.events.next((e) => e._tag === "status" && e.status === "agent")
    const joined = await v.events.next((e) => e._tag === "message" && e.message.role === "system" && /unido/.test(e.message.text))
    expect(joined.message.text).toContain("Owner")

    expect(await agent.emitWithAck("reply", { conversationId, text: "Hola, soy Ana.", clientMessageId: "a-1" })).toMatchObject({ ok: true })
    await v.events.next((e) => e._tag === "message" && e.message.role === "agent" && e.message.text === "Hola, soy Ana.")

    const typing = watched.next((e) => e._tag === "typing" && e.from === "visitor")
    v.socket.emit("typing", { conversationId, typing: true })
    await typing
    const agentTyping = v.events.next((e) => e._tag === "typing" && e.from === "agent")
    agent.emit("typing", { conversationId, typing: true })
    await agentTyping

    const mark = v.events.events.length
    await v.socket.emitWithAck("message:send", { text: "gracias Ana", clientMessageId: "h-2", conversationId })
    await watched.next((e) => e._tag === "message" && e.message.text === "gracias Ana")
    const handedOff = await v.events.next((e) => e._tag === "done", 15_000, mark)
    expect(handedOff.status).toBe("handed-off")
    expect(v.events.events.slice(mark).some((e) => e._tag === "delta")).toBe(false)

    expect(await agent.emitWithAck("handback", { conversationId })).toMatchObject({ ok: true, status: "bot" })
    await v.events.next((e) => e._tag === "status" && e.status === "bot")
    const mark2 = watched.events.length
    await v.socket.emitWithAck("message:send", { text: "¿tienen zapatillas?", clientMessageId: "h-3", conversationId })
    await watched.next((e) => e._tag === "done" && e.status === "complete", 15_000, mark2)
    expect(watched.events.slice(mark2).some((e) => e._tag === "delta")).toBe(true)

    expect(await agent.emitWithAck("close", { conversationId })).toMatchObject({ ok: true, status: "closed" })
    await v.events.next((e) => e._tag === "status" && e.status === "closed")
    expect(await agent.emitWithAck("reply", { conversationId, text: "late" })).toMatchObject({ ok: false, error: { code: "forbidden" } })
    expect(await agent.emitWithAck("takeover", { conversationId: "not an id" })).toMatchObject({ ok: false, error: { code: "bad_request" } })
  }, 60_000)

  it("a widget's visitor (HTTP and SSE) and a watching agent see each other type; another visitor's conversation is refused", async () => {
    const shopId = "shop-typing"
    const session = await visitorToken(server.url, shopId)
    const auth = { "Content-Type": "application/json", Authorization: `Bearer ${session.token}` }
    const chat = await fetch(`${server.url}/api/coze/chat`, { method: "POST", headers: auth, body: JSON.stringify({ shopId, message: "hello" }) })
    const conversationId = ((await chat.json()) as { conversationId: string }).conversationId
    // The widget's live feed of its conversation.
    const feed = await fetch(`${server.url}/api/conversations/${conversationId}/events?shopId=${shopId}`, { headers: auth })
    expect(feed.status).toBe(200)
    const reader = feed.body!.getReader()
    let text = ""
    const feedTyping = async () => {
      for (;;) {
        const frame = text.split("\n\n").find((f) => f.startsWith("event: typing"))
        if (frame !== undefined) return JSON.parse(/^data: (.*)$/m.exec(frame)![1]!)
        const { value, done } = await reader.read()
        if (done) throw new Error(`the feed ended: ${text}`)
        text += new TextDecoder().decode(value)
      }
    }
    const agent = track(await connect(server.url, "/agent", { token: await adminToken(server.url) }))
    const watched = recorder(agent)
    expect(await agent.emitWithAck("watch", { conversationId })).toMatchObject({ ok: true })

    const visitorTyping = watched.next((e) => e._tag === "typing" && e.from === "visitor" && e.typing === true)
    const typed = await fetch(`${server.url}/api/visitor/typing`, { method: "POST", headers: auth, body: JSON.stringify({ shopId, conversationId }) })
    expect(typed.status).toBe(204)
    expect(await visitorTyping).toMatchObject({ conversationId })

    agent.emit("typing", { conversationId, typing: true })
    // The visitor's own typing is not sent back to them: the first typing on their feed is the agent's.
    expect(await feedTyping()).toEqual({ _tag: "typing", conversationId, from: "agent", typing: true })
    await reader.cancel()

    const other = await visitorToken(server.url, shopId)
    const refused = await fetch(`${server.url}/api/visitor/typing`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${other.token}` },
      body: JSON.stringify({ shopId, conversationId })
    })
    expect(refused.status).toBe(404)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(watched.events.filter((e) => e._tag === "typing" && e.from === "visitor")).toHaveLength(1)
  }, 30_000)
})
