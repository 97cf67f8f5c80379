import { SseParser } from "@chatbot-node/adapters/sse"
import { Database, PgConversationStore } from "@chatbot-node/adapters/postgres"
import { ConversationStore, Ids } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { startRelay } from "../../adapters/test/support/relay.js"
import { freshDatabase, testDatabaseUrl } from "./support/postgres.js"
import { startServer } from "./support/server.js"

const health = async (url: string) => {
  const res = await fetch(`${url}/health`)
  return { status: res.status, body: (await res.json()) as any }
}

describe.skipIf(testDatabaseUrl === undefined)("the database going away (PostgreSQL behind a TCP relay, TEST_DATABASE_URL)", () => {
  it("answers /health 503 `disconnected` while PostgreSQL is unreachable, and 200 again once it is back", async () => {
    const db = await freshDatabase(testDatabaseUrl!)
    const target = new URL(db.url)
    const upstream = { host: target.hostname, port: Number(target.port || 5432) }
    let relay = await startRelay(upstream)
    const viaRelay = new URL(db.url)
    viaRelay.hostname = "127.0.0.1"
    viaRelay.port = String(relay.port)
    const server = await startServer({ DATABASE_URL: viaRelay.toString() })
    try {
      expect(await health(server.url)).toMatchObject({ status: 200, body: { status: "ok", database: "connected" } })
      await relay.stop()
      // /health may answer from a probe up to a second old: poll until it notices.
      let down = await health(server.url)
      for (let i = 0; i < 50 && down.status !== 503; i++) {
        await sleep(100)
        down = await health(server.url)
      }
      expect(down.status).toBe(503)
      expect(down.body).toMatchObject({ status: "degraded", database: "disconnected" })
      expect(typeof down.body.uptime).toBe("number")
      relay = await startRelay(upstream, relay.port)
      let back = await health(server.url)
      for (let i = 0; i < 50 && back.status !== 200; i++) {
        await sleep(200)
        back = await health(server.url)
      }
      expect(back).toMatchObject({ status: 200, body: { database: "connected" } })
      const chat = await fetch(`${server.url}/api/coze/chat`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ shopId: "s", userId: "u", message: "hi" }) })
      expect(chat.status).toBe(200)
    } finally {
      await server.stop()
      await relay.stop()
      await db.drop()
    }
  })
})

/** Reads the stored messages of a conversation from the database a stopped server left (no crash recovery run). */
const storedReply = async (server: { dataDir: string; databaseUrl: string | undefined }, conversationId: string) => {
  const db = server.databaseUrl === undefined
    ? Database.layerPglite({ dataDir: join(server.dataDir, "pglite") })
    : Database.layerPostgres({ url: server.databaseUrl })
  return Effect.runPromise(
    Effect.flatMap(ConversationStore, (store) => store.listMessages(Ids.ConversationId.make(conversationId), { limit: 10 })).pipe(
      Effect.provide(PgConversationStore.layer.pipe(Layer.provide(db)))
    )
  )
}

/** Starts a streamed reply and returns once its first text arrived, with the conversation id. */
const startReply = async (url: string) => {
  const res = await fetch(`${url}/api/coze/chat/stream`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ shopId: "shop-g", userId: "u-grace", message: "Tell me about your running shoes and your jackets" })
  })
  const parser = SseParser.makeParser()
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  let conversationId: string | undefined
  for (;;) {
    const { done, value } = await reader.read()
    if (done) throw new Error("stream ended early")
    for (const e of parser.push(value)) {
      if (e.event === "started") conversationId = JSON.parse(e.data).conversationId
      if (e.event === "delta" && conversationId !== undefined) return { conversationId, rest: (async () => { try { for (;;) if ((await reader.read()).done) return } catch { return } })() }
    }
  }
}

describe("graceful shutdown with a reply running", () => {
  it("lets the reply finish within SHUTDOWN_GRACE and stores it complete", async () => {
    const server = await startServer({ DEMO_TOKEN_DELAY_MIN_MS: "20", DEMO_TOKEN_DELAY_MAX_MS: "30", SHUTDOWN_GRACE: "20" }, { keepData: true })
    try {
      const { conversationId, rest } = await startReply(server.url)
      await server.stop()
      await rest
      const messages = await storedReply(server, conversationId)
      expect(messages.map((m) => [m.role, m.status])).toEqual([["visitor", "complete"], ["bot", "complete"]])
      expect(messages[1]!.text.length).toBeGreaterThan(20)
    } finally {
      await server.cleanUp()
    }
  })

  it("stores a reply still running when the grace ends as interrupted (never streaming)", async () => {
    const server = await startServer({ DEMO_TOKEN_DELAY_MIN_MS: "400", DEMO_TOKEN_DELAY_MAX_MS: "500", SHUTDOWN_GRACE: "0.3" }, { keepData: true })
    try {
      const { conversationId, rest } = await startReply(server.url)
      await server.stop()
      await rest
      const messages = await storedReply(server, conversationId)
      expect(messages.map((m) => m.role)).toEqual(["visitor", "bot"])
      expect(messages[1]!.status).toBe("interrupted")
    } finally {
      await server.cleanUp()
    }
  })
})
