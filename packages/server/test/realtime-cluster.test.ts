import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import pg from "pg"
import type { Socket } from "socket.io-client"
import { startCluster, visitorAndAgentAcross } from "./support/cluster.js"
import { testDatabaseUrl } from "./support/postgres.js"

const testRedisUrl = process.env.TEST_REDIS_URL || undefined

/** The server's connections to `url`'s database, by application name. */
const connectionsTo = async (url: string) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const rows = (await client.query("select application_name from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()")).rows
    return rows.map((r) => r.application_name as string)
  } finally {
    await client.end()
  }
}

describe.skipIf(testDatabaseUrl === undefined)("two server processes on one PostgreSQL (TEST_DATABASE_URL)", () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>
  const sockets: Array<Socket> = []
  beforeAll(async () => { cluster = await startCluster(testDatabaseUrl!) }, 120_000)
  afterAll(async () => {
    for (const s of sockets) s.close()
    await cluster?.stop()
  }, 60_000)

  it("a visitor on the first and an agent on the second see each other's messages, the bot's stream and typing", async () => {
    await visitorAndAgentAcross(cluster.a, cluster.b, sockets)
    // Live events went through PostgreSQL: the hub's LISTEN is connected (and no socket.io adapter: the hub carries typing too).
    const names = await connectionsTo(cluster.databaseUrl)
    expect(names).toContain("chatbot-node-listen")
    expect(names).not.toContain("chatbot-node-socketio")
  })

  it("a visitor's message limit is counted across both: each instance admits what its own count allows, the shared count refuses the 21st", async () => {
    const body = JSON.stringify({ shopId: "shop-limits", userId: "u-shared-limit", message: "hi", locale: "en" })
    const send = (url: string) => fetch(`${url}/api/coze/chat`, { method: "POST", headers: { "Content-Type": "application/json" }, body })
    const statuses: Array<number> = []
    // 20 a minute per visitor by default: ten through each instance, so neither one's own count is reached.
    for (let i = 0; i < 20; i++) statuses.push((await send(i % 2 === 0 ? cluster.a.url : cluster.b.url)).status)
    expect(statuses).toEqual(Array(20).fill(200))
    const refused = await send(cluster.a.url)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limited")
  }, 60_000)
})

describe.skipIf(testDatabaseUrl === undefined || testRedisUrl === undefined)("two server processes on one PostgreSQL with REDIS_URL (TEST_DATABASE_URL, TEST_REDIS_URL)", () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>
  const sockets: Array<Socket> = []
  beforeAll(async () => { cluster = await startCluster(testDatabaseUrl!, { REDIS_URL: testRedisUrl! }) }, 120_000)
  afterAll(async () => {
    for (const s of sockets) s.close()
    await cluster?.stop()
  }, 60_000)

  it("a visitor on the first and an agent on the second see each other, with every live event through Redis", async () => {
    await visitorAndAgentAcross(cluster.a, cluster.b, sockets)
    // PostgreSQL carried none of it: no LISTEN connection, no NOTIFY pool (nor the socket.io adapter's pool of old).
    const names = await connectionsTo(cluster.databaseUrl)
    expect(names.filter((n) => ["chatbot-node-listen", "chatbot-node-socketio", "chatbot-node-realtime"].includes(n))).toEqual([])
  })
})
