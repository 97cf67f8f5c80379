import { afterAll, describe, expect, it } from "@effect/vitest"
import type { Socket } from "socket.io-client"
import { connect, makeDataDir, recorder, removeDataDir, startInProcess, visitorToken } from "./support/realtime.js"

const dataDir = makeDataDir()
const sockets: Array<Socket> = []
afterAll(() => {
  for (const s of sockets) s.close()
  removeDataDir(dataDir)
})

describe("Socket.io: reconnecting after a server restart", () => {
  it("gets every message it missed from the store, once, then live events again", async () => {
    const shopId = "shop-restart"
    let server = await startInProcess(dataDir)
    const { token } = await visitorToken(server.url, shopId)
    const seen = new Map<string, any>()
    const keep = (events: Array<any>) => { for (const e of events) if (e._tag === "message") seen.set(e.message.id, e.message) }

    const first = await connect(server.url, "/visitor", { token })
    sockets.push(first)
    const firstEvents = recorder(first)
    const sent = await first.emitWithAck("message:send", { text: "hello", clientMessageId: "r-1" })
    const conversationId = sent.conversationId as string
    await firstEvents.next((e) => e._tag === "done")
    keep(firstEvents.events)
    expect(seen.size).toBe(2)
    const lastSeq = Math.max(...[...seen.values()].map((m) => m.seq))
    first.close()

    // While this socket is away, another tab of the same visitor talks over HTTP.
    const http = await fetch(`${server.url}/api/coze/chat`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Authorization": `Bearer ${token}` },
      body: JSON.stringify({ shopId, conversationId, message: "do you sell socks?", clientMessageId: "r-2" })
    })
    expect(http.status).toBe(200)

    await server.stop()
    server = await startInProcess(dataDir)
    try {
      const second = await connect(server.url, "/visitor", { token })
      sockets.push(second)
      const secondEvents = recorder(second)
      const resumed = await second.emitWithAck("resume", { conversationId, afterSeq: lastSeq })
      expect(resumed).toMatchObject({ ok: true, status: "bot", hasMore: false })
      expect(resumed.messages.map((m: any) => m.role)).toEqual(["visitor", "bot"])
      for (const m of resumed.messages) {
        expect(seen.has(m.id)).toBe(false)
        expect(m.seq).toBeGreaterThan(lastSeq)
        seen.set(m.id, m)
      }

      const again = await second.emitWithAck("message:send", { text: "thanks", clientMessageId: "r-3", conversationId })
      expect(again).toMatchObject({ ok: true, duplicate: false })
      await secondEvents.next((e) => e._tag === "done")
      const live = secondEvents.events.filter((e) => e._tag === "message")
      expect(new Set(live.map((e) => e.message.id)).size).toBe(live.length)
      keep(secondEvents.events)

      const stored = await (await fetch(`${server.url}/api/conversations/${conversationId}/messages?limit=100`, { headers: { "Authorization": `Bearer ${token}` } })).json() as any
      expect([...seen.values()].sort((a, b) => a.seq - b.seq).map((m) => [m.id, m.text])).toEqual(stored.messages.map((m: any) => [m.id, m.text]))
      expect(stored.messages.map((m: any) => m.seq)).toEqual([1, 2, 3, 4, 5, 6])
    } finally {
      await server.stop()
    }
  }, 90_000)
})
