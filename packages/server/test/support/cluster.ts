import { expect } from "@effect/vitest"
import type { Socket } from "socket.io-client"
import { freshDatabase } from "./postgres.js"
import { adminEmail, adminPassword, adminToken, connect, makeDataDir, recorder, removeDataDir, startProcess, visitorToken } from "./realtime.js"

type Instance = Awaited<ReturnType<typeof startProcess>>

/**
 * Two server processes on a fresh database of the PostgreSQL at `databaseUrl` (plus `env`, e.g.
 * REDIS_URL); `stop` ends them and drops the database.
 */
export const startCluster = async (databaseUrl: string, env: Record<string, string> = {}) => {
  const db = await freshDatabase(databaseUrl)
  const servers: Array<Instance> = []
  const dirs: Array<string> = []
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()))
    for (const dir of dirs) removeDataDir(dir)
    await db.drop()
  }
  try {
    // One after the other: the first creates the schema and the admin account.
    for (let i = 0; i < 2; i++) {
      const dir = makeDataDir()
      dirs.push(dir)
      servers.push(await startProcess({
        PORT: "0", HOST: "127.0.0.1", NODE_ENV: "test", DATA_DIR: dir, DATABASE_URL: db.url,
        JWT_SECRET: "a-shared-secret-of-at-least-32-characters!", ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword,
        DEMO_TOKEN_DELAY_MIN_MS: "2", DEMO_TOKEN_DELAY_MAX_MS: "4", SHUTDOWN_GRACE: "1",
        ...env
      }))
    }
  } catch (error) {
    await stop()
    throw error
  }
  return { a: servers[0]!, b: servers[1]!, databaseUrl: db.url, stop }
}

/**
 * A visitor on `a` and an agent on `b` see each other: the inbox, the bot's stream, takeover,
 * replies both ways and typing (all through the RealtimeHub). Sockets go to `opened` for closing.
 */
export const visitorAndAgentAcross = async (a: Instance, b: Instance, opened: Array<Socket>, shopId = "shop-cluster") => {
  const agent = await connect(b.url, "/agent", { token: await adminToken(b.url) })
  opened.push(agent)
  const inbox = recorder(agent, "inbox:event")
  const watched = recorder(agent)
  expect(await agent.emitWithAck("inbox", { shopId })).toMatchObject({ ok: true })

  const { token } = await visitorToken(a.url, shopId)
  const visitor = await connect(a.url, "/visitor", { token })
  opened.push(visitor)
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
  return { conversationId }
}
