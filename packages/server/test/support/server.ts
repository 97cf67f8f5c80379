import { AppLive } from "@chatbot-node/server"
import { Http } from "@chatbot-node/server"
import { ConversationStore } from "@chatbot-node/domain"
import { ConfigProvider, Effect, Layer, ManagedRuntime } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { freshDatabase, testDatabaseUrl } from "./postgres.js"

/**
 * Starts the real server (the demo bot) on a free port: on a fresh PostgreSQL database when
 * TEST_DATABASE_URL is set (unless `env` names a DATABASE_URL), else on PGlite in a temporary
 * directory. `keepData` leaves the directory for a later reader.
 */
export const startServer = async (env: Record<string, string> = {}, options: { readonly keepData?: boolean } = {}) => {
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), "chatbot-server-test-"))
  const database = testDatabaseUrl !== undefined && env.DATABASE_URL === undefined ? await freshDatabase(testDatabaseUrl) : undefined
  if (database !== undefined) env = { ...env, DATABASE_URL: database.url }
  const provider = ConfigProvider.fromMap(new Map(Object.entries({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    NODE_ENV: "test",
    DEMO_TOKEN_DELAY_MIN_MS: "3",
    DEMO_TOKEN_DELAY_MAX_MS: "6",
    SHUTDOWN_GRACE: "5",
    RATE_LIMIT_VISITOR: "100000/60",
    RATE_LIMIT_IP: "100000/60",
    RATE_LIMIT_LOGIN: "100000/60",
    ...env
  })))
  const runtime = ManagedRuntime.make(AppLive.pipe(Layer.provide(Layer.setConfigProvider(provider))))
  const address = await runtime.runPromise(Http.HttpAddress).catch(async (e: unknown) => {
    await database?.drop()
    throw e
  })
  const countConversations = () =>
    runtime.runPromise(Effect.flatMap(ConversationStore, (s) => s.searchConversations({ limit: 100 })).pipe(Effect.map((p) => p.items.length)))
  const stop = async () => {
    await runtime.dispose()
    if (options.keepData !== true) await cleanUp()
  }
  const cleanUp = async () => {
    await database?.drop()
    rmSync(dataDir, { recursive: true, force: true })
  }
  return { url: address.url, runtime, countConversations, stop, cleanUp, dataDir, databaseUrl: env.DATABASE_URL }
}
