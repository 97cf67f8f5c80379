import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import pg from "pg"
import type { Socket } from "socket.io-client"
import { adminToken, connect, makeDataDir, recorder, removeDataDir, startProcess, visitorToken } from "./support/realtime.js"

const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined
const database = `chatbot_rt_${Date.now().toString(36)}_${process.pid}`

const onServer = async (sql: string) => {
  const client = new pg.Client({ connectionString: testDatabaseUrl })
  await client.connect()
  try { await client.query(sql) } finally { await client.end() }
}

describe.skipIf(testDatabaseUrl === undefined)("two server processes on one PostgreSQL (TEST_DATABASE_URL)", () => {
  const servers: Array<Awaited<ReturnType<typeof startProcess>>> = []
  const dirs: Array<string> = []
  const sockets: Array<Socket> = []

  beforeAll(async () => {
    await onServer(`CREATE DATABASE ${database}`)
    const url = new URL(testDatabaseUrl!)
    url.pathname = `/${database}`
    for (let i = 0; i < 2; i++) {
      const dir = makeDataDir()
      dirs.push(dir)
      // One after the other: the first creates the schema and the admin account.
      servers.push(await startProcess({
        PORT: "0", HOST: "127.0.0.1", NODE_ENV: "test", DATA_DIR: dir, DATABASE_URL: url.toString(),
        JWT_SECRET: "a-shared-secret-of-at-least-32-characters!", ADMIN_EMAIL: "agent@shop.example", ADMIN_PASSWORD: "correct horse battery",
        DEMO_TOKEN_DELAY_MIN_MS: "2", DEMO_TOKEN_DELAY_MAX_MS: "4", SHUTDOWN_GRACE: "1"
      }))
    }
  }, 120_000)

  afterAll(async () => {
    for (const s of sockets) s.close()
    await Promise.all(servers.map((s) => s.stop()))
    for (const dir of dirs) removeDataDir(dir)
    await onServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  }, 60_000)

  it("a visitor on the first and an agent on the second see each other's messages, the bot's stream and typing", async () => {
    const [a, b] = servers as [typeof servers[0], typeof servers[0]]
    const shopId = "shop-cluster"
    const agent = await connect(b.url, "/agent", { token: await adminToken(b.url) })
    sockets.push(agent)
    const inbox = recorder(agent, "inbox:event")
    const watched = recorder(agent)
    expect(await agent.emitWithAck("inbox", { shopId })).toMatchObject({ ok: true })

    const { token } = await visitorToken(a.url, shopId)
    const visitor = await connect(a.url, "/visitor", { token })
    sockets.push(visitor)
    const seen = recorder(visitor)
    const sent = await visitor.emitWithAck("message:send", { text: "hello from A", clientMessageId: "k-1" })
    const conversationId = sent.conversationId as string
    await inbox.next((e) => e.conversationId === conversationId && e.event._tag === "message" && e.event.message.text === "hello from A")
    await seen.next((e) => e._tag === "done")

    const watch = await agent.emitWithAck("watch", { conversationId })
    expect(watch.ok).toBe(true)
    const mark = watched.events.length
    const second = await visitor.emitWithAck("message:send", { text: "do you have running shoes?", clientMessageId: "k-2", conversationId })
    const started = await watched.next((e) => e._tag === "started" && e.messageId === second.messageId, 20_000, mark)
    await watched.next((e) => e._tag === "done" && e.replyId === started.replyId, 20_000, mark)
    const streamed = watched.events.slice(mark).filter((e) => e.replyId === started.replyId)
    expect(streamed.some((e) => e._tag === "delta")).toBe(true)
    expect(streamed.some((e) => e._tag === "products")).toBe(true)

    expect(await agent.emitWithAck("takeover", { conversationId })).toMatchObject({ ok: true, status: "agent" })
    await seen.next((e) => e._tag === "status" && e.status === "agent")
    expect(await agent.emitWithAck("reply", { conversationId, text: "Hi, I am on instance B", clientMessageId: "b-1" })).toMatchObject({ ok: true })
    await seen.next((e) => e._tag === "message" && e.message.role === "agent" && e.message.text === "Hi, I am on instance B")

    await visitor.emitWithAck("message:send", { text: "and I am on A", clientMessageId: "k-3", conversationId })
    await watched.next((e) => e._tag === "message" && e.message.text === "and I am on A")

    const typing = watched.next((e) => e._tag === "typing" && e.from === "visitor")
    visitor.emit("typing", { conversationId, typing: true })
    await typing
    const agentTyping = seen.next((e) => e._tag === "typing" && e.from === "agent")
    agent.emit("typing", { conversationId, typing: true })
    await agentTyping

    const messageIds = seen.events.filter((e) => e._tag === "message").map((e) => e.message.id + e.message.status)
    expect(new Set(messageIds).size).toBe(messageIds.length)
  })
})
