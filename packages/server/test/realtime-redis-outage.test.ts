import { afterAll, describe, expect, it } from "@effect/vitest"
import { closedPort } from "../../adapters/test/support/relay.js"
import type { Socket } from "socket.io-client"
import { adminEmail, adminPassword, adminToken, connect, makeDataDir, recorder, removeDataDir, startProcess, visitorToken } from "./support/realtime.js"

describe("REDIS_URL pointing at a Redis that is not there (no Redis needed)", () => {
  const dir = makeDataDir()
  const sockets: Array<Socket> = []
  let server: Awaited<ReturnType<typeof startProcess>> | undefined
  afterAll(async () => {
    for (const s of sockets) s.close()
    await server?.stop()
    removeDataDir(dir)
  }, 30_000)

  it("the server starts, logs the Redis connections' failure, serves chat and typing on its own, and shuts down cleanly", async () => {
    server = await startProcess({
      PORT: "0", HOST: "127.0.0.1", NODE_ENV: "test", DATA_DIR: dir, REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
      ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword, DEMO_TOKEN_DELAY_MIN_MS: "2", DEMO_TOKEN_DELAY_MAX_MS: "4", SHUTDOWN_GRACE: "1"
    })
    const agent = await connect(server.url, "/agent", { token: await adminToken(server.url) })
    sockets.push(agent)
    const watched = recorder(agent)
    const { token } = await visitorToken(server.url, "shop-no-redis")
    const visitor = await connect(server.url, "/visitor", { token })
    sockets.push(visitor)
    const seen = recorder(visitor)
    // Each live event is published to Redis too (refused while it is away) and still delivered here.
    const sent = await visitor.emitWithAck("message:send", { text: "hello", clientMessageId: "k-1" })
    expect(sent.ok).toBe(true)
    await seen.next((e) => e._tag === "done")
    expect(await agent.emitWithAck("watch", { conversationId: sent.conversationId })).toMatchObject({ ok: true })
    const typing = watched.next((e) => e._tag === "typing" && e.from === "visitor")
    visitor.emit("typing", { conversationId: sent.conversationId, typing: true })
    await typing
    const again = await visitor.emitWithAck("message:send", { text: "still there?", clientMessageId: "k-2", conversationId: sent.conversationId })
    const started = await watched.next((e) => e._tag === "started" && e.messageId === again.messageId)
    await watched.next((e) => e._tag === "done" && e.replyId === started.replyId)

    expect(server.child.exitCode).toBeNull()
    for (const name of ["chatbot-node-realtime-pub", "chatbot-node-realtime-sub"]) {
      expect(server.output()).toContain(`redis (${name}) connection failed; reconnecting`)
    }
    const exited = new Promise<number | null>((resolve) => server!.child.once("exit", (code) => resolve(code)))
    await server.stop()
    expect(await exited).toBe(0)
    expect(server.output()).not.toMatch(/Unhandled|unhandledRejection/i)
  }, 120_000)
})
