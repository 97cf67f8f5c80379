import { Migrator, SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"
import initial from "./migrations/0001_initial.js"
import appendMessages from "./migrations/0002_append_messages.js"
import finishReplies from "./migrations/0003_finish_replies.js"
import appendInRuns from "./migrations/0004_append_in_runs.js"

/** Every migration of the store schema, by `<id>_<name>`; append new ones, never edit old ones. */
export const migrations = Migrator.fromRecord({
  "0001_initial": initial,
  "0002_append_messages": appendMessages,
  "0003_finish_replies": finishReplies,
  "0004_append_in_runs": appendInRuns
})

/** Brings the database's schema up to date; returns the migrations it ran. */
export const migrate: Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  Migrator.MigrationError | SqlError,
  SqlClient.SqlClient
> = Migrator.make({})({ loader: migrations, table: "chatbot_migrations" })
