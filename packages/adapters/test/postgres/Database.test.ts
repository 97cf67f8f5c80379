import { Database, layerStores, Migrations, PgliteClient } from "@chatbot-node/adapters/postgres"
import { ConversationStore, Ids } from "@chatbot-node/domain"
import { Migrator, SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Option } from "effect"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { newShopId, newVisitorId } from "../contract/fixtures.js"
import { freshDatabase, testDatabaseUrl } from "../support/database.js"

const tempDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "chatbot-pglite-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

const migrationIds = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  Effect.map(sql<{ migration_id: number }>`SELECT migration_id FROM chatbot_migrations ORDER BY migration_id`, (rows) =>
    rows.map((r) => r.migration_id)
  )
)

/** Writes a conversation with two messages through the store; returns its id. */
const writeConversation = (shopId: Ids.ShopId, visitorId: Ids.VisitorId) =>
  Effect.gen(function* () {
    const store = yield* ConversationStore
    const id = yield* Ids.newConversationId
    yield* store.createConversation({ id, shopId, visitorId, locale: "zh", botId: Ids.BotId.make("demo") })
    yield* store.appendMessage({ conversationId: id, role: "visitor", text: "你好 👋", status: "complete" })
    yield* store.appendMessage({ conversationId: id, role: "bot", text: "¡Hola!", status: "complete" })
    return id
  })

/** A conversation with one message, written with 0001's SQL (no store: that needs 0002). */
const writeOldConversation = (shopId: Ids.ShopId, visitorId: Ids.VisitorId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const id = yield* Ids.newConversationId
    yield* sql`INSERT INTO conversations (id, shop_id, visitor_id, locale, bot_id, status, last_seq, created_at, updated_at)
      VALUES (${id}, ${shopId}, ${visitorId}, 'en', 'demo', 'bot', 1, now(), now())`
    yield* sql`INSERT INTO messages (id, conversation_id, seq, role, text, status, created_at, updated_at)
      VALUES (${yield* Ids.newMessageId}, ${id}, 1, 'visitor', 'before the upgrade', 'complete', now(), now())`
    return id
  })

const withStores = <A, E>(effect: Effect.Effect<A, E, ConversationStore | SqlClient.SqlClient>, database: Layer.Layer<SqlClient.SqlClient, unknown>) =>
  Effect.provide(effect, Layer.provideMerge(layerStores, database))

describe("Database", () => {
  it.scopedLive("PGlite: first start on an empty directory migrates; a restart finds every row", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const dataDir = join(dir, "data", "pglite")
      const shopId = newShopId()
      const visitorId = newVisitorId()
      const started = Date.now()
      const id = yield* Effect.scoped(
        Effect.gen(function* () {
          const context = yield* Layer.build(Layer.provideMerge(layerStores, Database.layerPglite({ dataDir })))
          // printed, not asserted: wall-clock figures belong to bench/
          console.log(`PGlite first start on an empty directory (initdb + migrations): ${Date.now() - started} ms`)
          return yield* Effect.provide(writeConversation(shopId, visitorId), context)
        })
      )
      expect(existsSync(dataDir)).toBe(true)
      const reopened = Date.now()
      const [found, messages, migrations] = yield* withStores(
        Effect.gen(function* () {
          const store = yield* ConversationStore
          console.log(`PGlite restart: ${Date.now() - reopened} ms`)
          return [
            yield* store.latestVisitorConversation(shopId, visitorId),
            yield* store.listMessages(id, { limit: 10 }),
            yield* migrationIds
          ] as const
        }),
        Database.layerPglite({ dataDir })
      )
      expect(Option.map(found, (c) => c.id)).toEqual(Option.some(id))
      expect(messages.map((m) => [m.seq, m.text])).toEqual([[1, "你好 👋"], [2, "¡Hola!"]])
      expect(migrations).toEqual([1, 2, 3, 4])
    }), 120_000)

  it.scopedLive("a database that ran only 0001_initial is migrated on, and its conversations keep their seqs", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const onlyInitial = Migrator.make({})({
        loader: Effect.map(Migrations.migrations, (all) => all.filter(([id]) => id === 1)),
        table: "chatbot_migrations"
      })
      const [shopId, visitorId] = [newShopId(), newVisitorId()]
      const id = yield* Effect.provide(
        Effect.zipRight(onlyInitial, writeOldConversation(shopId, visitorId)),
        PgliteClient.layer({ dataDir: join(dir, "pglite") })
      )
      const [ran, messages] = yield* withStores(
        Effect.gen(function* () {
          const store = yield* ConversationStore
          const ran = yield* migrationIds
          yield* Effect.all(
            ["a", "b", "c"].map((text) => store.appendMessage({ conversationId: id, role: "visitor", text, status: "complete" })),
            { concurrency: "unbounded" }
          )
          return [ran, yield* store.listMessages(id, { limit: 10 })] as const
        }),
        Database.layerPglite({ dataDir: join(dir, "pglite") })
      )
      expect(ran).toEqual([1, 2, 3, 4])
      expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4])
      expect(messages.map((m) => m.text).slice(1).sort()).toEqual(["a", "b", "c"])
    }), 120_000)

  it.scopedLive("layerFromEnv uses PGlite under DATA_DIR when DATABASE_URL is unset", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const provider = ConfigProvider.fromMap(new Map([["DATA_DIR", dir]]))
      const ran = yield* withStores(
        Effect.map(migrationIds, (ids) => ids),
        Database.layerFromEnv
      ).pipe(Effect.withConfigProvider(provider))
      expect(ran).toEqual([1, 2, 3, 4])
      expect(existsSync(join(dir, "pglite", "PG_VERSION"))).toBe(true)
    }), 120_000)

  it.scopedLive.runIf(testDatabaseUrl !== undefined)("layerFromEnv uses PostgreSQL at DATABASE_URL, and migrating twice is a no-op", () =>
    Effect.gen(function* () {
      const db = yield* freshDatabase(testDatabaseUrl!)
      const provider = ConfigProvider.fromMap(new Map([["DATABASE_URL", db.url], ["DATA_DIR", "/nonexistent/never-used"]]))
      const [first, second, names] = yield* withStores(
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const again = yield* Migrations.migrate
          const rows = yield* sql<{ db: string }>`SELECT current_database() AS db`
          return [yield* migrationIds, again, rows.map((r) => r.db)] as const
        }),
        Database.layerFromEnv
      ).pipe(Effect.withConfigProvider(provider))
      expect(first).toEqual([1, 2, 3, 4])
      expect(second).toEqual([])
      expect(names).toEqual([db.name])
      expect(existsSync("/nonexistent/never-used")).toBe(false)
    }), 60_000)
})
