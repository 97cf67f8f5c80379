/**
 * `npm run migrate`: brings the database that the environment names (DATABASE_URL, else PGlite
 * under DATA_DIR) up to date and prints the migrations it holds.
 */
import { SqlClient } from "@effect/sql"
import { Console, Effect, Option } from "effect"
import * as Database from "./Database.js"

const program = Effect.gen(function* () {
  const config = yield* Database.databaseConfig
  yield* Console.log(
    Option.match(config.url, {
      onNone: () => `PGlite under ${config.dataDir}/pglite (DATABASE_URL is unset)`,
      onSome: () => "PostgreSQL at DATABASE_URL"
    })
  )
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ migration_id: number; name: string; created_at: Date }>`
    SELECT migration_id, name, created_at FROM chatbot_migrations ORDER BY migration_id`
  for (const row of rows) yield* Console.log(`  ${row.migration_id}_${row.name}  applied ${row.created_at.toISOString()}`)
  yield* Console.log("schema is up to date")
}).pipe(Effect.provide(Database.layerFromEnv))

Effect.runPromiseExit(program).then((exit) => {
  if (exit._tag === "Failure") {
    console.error("migration failed:", exit.cause.toString())
    process.exitCode = 1
  }
})

