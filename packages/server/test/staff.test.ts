import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { startServer } from "./support/server.js"
import { staffToken } from "./support/staff.js"

let server: Awaited<ReturnType<typeof startServer>>
let owner: string
let agent: string
const conversations: Record<string, string> = {}

const chat = async (shopId: string, userId: string, message: string) => {
  const res = await fetch(`${server.url}/api/coze/chat`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ shopId, userId, message }) })
  return ((await res.json()) as any).conversationId as string
}
const get = async (path: string, token?: string) => {
  const res = await fetch(`${server.url}${path}`, { headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } })
  return { status: res.status, body: (await res.json()) as any }
}

beforeAll(async () => {
  server = await startServer()
  owner = await staffToken(server, { email: "owner@h.test", role: "owner", shopIds: [] })
  agent = await staffToken(server, { email: "agent@h.test", role: "agent", shopIds: ["shop-h1"] })
  for (let i = 0; i < 5; i++) conversations[`h1-${i}`] = await chat("shop-h1", `visitor-${i}`, i === 3 ? "Do you sell umbrellas?" : "Hello")
  conversations["h2-0"] = await chat("shop-h2", "visitor-0", "Hello")
})
afterAll(async () => { await server.stop() })

describe("staff reading conversations over real HTTP", () => {
  it("refuses the history without a staff token (a visitor token is not one)", async () => {
    expect((await get("/api/chat-history")).status).toBe(401)
    const session = await fetch(`${server.url}/api/visitor/session`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ shopId: "shop-h1" }) })
    expect((await get("/api/chat-history", ((await session.json()) as any).token)).status).toBe(401)
  })

  it("lists every shop for an owner, and filters by shop, visitor, text, status and dates", async () => {
    const all = await get("/api/chat-history?limit=100", owner)
    expect(all.status).toBe(200)
    expect(all.body.items).toHaveLength(6)
    const h1 = await get("/api/chat-history?shopId=shop-h1", owner)
    expect(h1.body.items.map((c: any) => c.shopId)).toEqual(Array(5).fill("shop-h1"))
    const v0 = await get("/api/chat-history?visitorId=visitor-0", owner)
    expect(v0.body.items.map((c: any) => c.id).sort()).toEqual([conversations["h1-0"], conversations["h2-0"]].sort())
    const q = await get("/api/chat-history?q=UMBRELLA", owner)
    expect(q.body.items.map((c: any) => c.id)).toEqual([conversations["h1-3"]])
    expect((await get("/api/chat-history?status=closed", owner)).body.items).toEqual([])
    expect((await get("/api/chat-history?status=bot", owner)).body.items).toHaveLength(6)
    expect((await get(`/api/chat-history?to=${encodeURIComponent("2000-01-01T00:00:00Z")}`, owner)).body.items).toEqual([])
    expect((await get(`/api/chat-history?from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`, owner)).body.items).toHaveLength(6)
    expect((await get("/api/chat-history?from=yesterday", owner)).status).toBe(400)
    expect((await get("/api/chat-history?status=open", owner)).status).toBe(400)
    expect((await get("/api/chat-history?limit=1000", owner)).status).toBe(400)
  })

  it("pages with cursors, without gaps or repeats", async () => {
    const seen: Array<string> = []
    let cursor: string | null = null
    let pages = 0
    do {
      const r: any = await get(`/api/chat-history?shopId=shop-h1&limit=2${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`, owner)
      expect(r.status).toBe(200)
      seen.push(...r.body.items.map((c: any) => c.id))
      cursor = r.body.nextCursor
      pages++
    } while (cursor !== null && pages < 10)
    expect(pages).toBe(3)
    expect(new Set(seen).size).toBe(5)
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4].map((i) => conversations[`h1-${i}`]).sort())
    expect((await get("/api/chat-history?cursor=not-a-cursor", owner)).status).toBe(400)
  })

  it("restricts an agent to their shops", async () => {
    const mine = await get("/api/chat-history", agent)
    expect(mine.body.items).toHaveLength(5)
    expect(mine.body.items.every((c: any) => c.shopId === "shop-h1")).toBe(true)
    expect((await get("/api/chat-history?shopId=shop-h2", agent)).status).toBe(403)
    expect((await get(`/api/admin/conversations/${conversations["h2-0"]}/messages`, agent)).status).toBe(404)
    const read = await get(`/api/admin/conversations/${conversations["h1-3"]}/messages`, agent)
    expect(read.status).toBe(200)
    expect(read.body.conversation.visitorId).toBe("visitor-3")
    expect(read.body.messages.map((m: any) => m.role)).toEqual(["visitor", "bot"])
    expect(read.body.messages[0].text).toBe("Do you sell umbrellas?")
    const owners = await get(`/api/admin/conversations/${conversations["h2-0"]}/messages?limit=1`, owner)
    expect(owners.status).toBe(200)
    expect(owners.body.messages).toHaveLength(1)
    expect((await get("/api/admin/conversations/nope/messages", owner)).status).toBe(404)
  })

  it("lists the demo bot for any admin; creating a bot needs an owner (the demo platform refuses it)", async () => {
    expect((await get("/api/coze/bots")).status).toBe(401)
    const list = await get("/api/coze/bots", agent)
    expect(list.status).toBe(200)
    expect(list.body.bots[0]).toMatchObject({ provider: "demo" })
    const create = (token: string, body: unknown) =>
      fetch(`${server.url}/api/coze/bots`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` }, body: JSON.stringify(body) })
    expect((await create(agent, { name: "Mine" })).status).toBe(403)
    expect((await create(owner, { name: "" })).status).toBe(400)
    const refused = await create(owner, { name: "New bot" })
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as any).error.code).toBe("bot_platform_refused")
  })
})
