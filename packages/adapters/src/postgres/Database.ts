import type { Migrator, SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { PgClient } from "@effect/sql-pg"
import { Config, Effect, Layer, Option, Redacted } from "effect"
import type { ConfigError } from "effect/ConfigError"
import { join } from "node:path"
import { migrate } from "./Migrations.js"
import * as PgliteClient from "./PgliteClient.js"

/** What opening the database can fail with: no connection, or a migration that did not apply. */
export type DatabaseError = SqlError | Migrator.MigrationError

const migrated = <E, R>(client: Layer.Layer<SqlClient.SqlClient | R, E>) =>
  Layer.provideMerge(
    Layer.effectDiscard(
      Effect.tap(migrate, (ran) =>
        ran.length > 0 ? Effect.logInfo(`applied migrations: ${ran.map(([id, name]) => `${id}_${name}`).join(", ")}`) : Effect.void
      )
    ),
    client
  )

/** An embedded PGlite, migrated: files under `dataDir`, or in memory when it is absent (tests). */
export const layerPglite = (options: { readonly dataDir?: string | undefined } = {}) =>
  migrated(PgliteClient.layer(options))

/** Connections the pool keeps open when idle. */
const warmConnections = 2

/** A PostgreSQL connection pool at `url`, migrated. */
export const layerPostgres = (options: {
  readonly url: string | Redacted.Redacted
  readonly maxConnections?: number | undefined
}) =>
  migrated(
    PgClient.layer({
      url: typeof options.url === "string" ? Redacted.make(options.url) : options.url,
      maxConnections: options.maxConnections,
      // Kept past the pool's idle timeout, so that the first message after a quiet spell does not wait for a new connection.
      minConnections: Math.min(warmConnections, options.maxConnections ?? warmConnections),
      applicationName: "chatbot-node"
    })
  )

/** Where the server keeps its data: PostgreSQL at `url` when given, else PGlite under `dataDir/pglite`. */
export interface DatabaseConfig {
  readonly url: Option.Option<Redacted.Redacted>
  readonly dataDir: string
}

/** Chooses PostgreSQL or the embedded PGlite from configuration; either way a migrated `SqlClient`. */
export const layerConfig = (
  config: Config.Config<DatabaseConfig>
): Layer.Layer<SqlClient.SqlClient, DatabaseError | ConfigError> =>
  Layer.unwrapEffect(
    Effect.map(config, ({ dataDir, url }) =>
      Option.match(url, {
        onNone: () => layerPglite({ dataDir: join(dataDir, "pglite") }),
        onSome: (url) => layerPostgres({ url })
      }) as Layer.Layer<SqlClient.SqlClient, DatabaseError>
    )
  )

/** `DATABASE_URL` (PostgreSQL) or, when it is unset, PGlite under `DATA_DIR` (default `./data`). */
export const databaseConfig: Config.Config<DatabaseConfig> = Config.all({
  url: Config.option(Config.redacted("DATABASE_URL")),
  dataDir: Config.withDefault(Config.string("DATA_DIR"), "./data")
})

/** The database the environment names (see `databaseConfig`), migrated at start-up. */
export const layerFromEnv: Layer.Layer<SqlClient.SqlClient, DatabaseError | ConfigError> = layerConfig(databaseConfig)
