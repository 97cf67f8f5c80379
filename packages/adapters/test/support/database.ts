import { Ids } from "@chatbot-node/domain"
import * as Reactivity from "@effect/experimental/Reactivity"
import { Database } from "@chatbot-node/adapters/postgres"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Redacted } from "effect"

/** The PostgreSQL that CI provides (`TEST_DATABASE_URL`); suites on PostgreSQL skip without it. */
export const testDatabaseUrl: string | undefined = process.env.TEST_DATABASE_URL || undefined

/** The URL of another database on the same server as `url`. */
export const withDatabase = (url: string, database: string): string => {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

const onServer = <A, E>(url: string, f: (sql: SqlClient.SqlClient) => Effect.Effect<A, E>) =>
  Effect.scoped(
    Effect.flatMap(PgClient.make({ url: Redacted.make(url), maxConnections: 1 }), (sql) => f(sql))
  ).pipe(Effect.provide(Reactivity.layer))

/**
 * A database of its own, created on the server of `url` for one suite and dropped (with any
 * connection left) when the suite's scope closes. Yields its URL.
 */
export const freshDatabase = (url: string) =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const name = `chatbot_test_${Ids.randomToken().toLowerCase().replace(/[^a-z0-9]/g, "")}`
      yield* onServer(url, (sql) => sql`CREATE DATABASE ${sql(name)}`)
      return { name, url: withDatabase(url, name) }
    }),
    ({ name }) => onServer(url, (sql) => sql`DROP DATABASE IF EXISTS ${sql(name)} WITH (FORCE)`).pipe(Effect.orDie)
  )

/** A migrated `SqlClient` on a fresh PostgreSQL database, dropped afterwards. */
export const freshPostgres = (url: string): Layer.Layer<SqlClient.SqlClient, unknown> =>
  Layer.unwrapScoped(Effect.map(freshDatabase(url), (db) => Database.layerPostgres({ url: db.url, maxConnections: 20 })))

/** A migrated `SqlClient` on a fresh in-memory PGlite. */
export const freshPglite = (): Layer.Layer<SqlClient.SqlClient, unknown> => Database.layerPglite({})
