import * as Reactivity from "@effect/experimental/Reactivity"
import { SqlClient, SqlConnection, SqlError } from "@effect/sql"
import { makeCompiler } from "@effect/sql-pg/PgClient"
import { PGlite, type Results } from "@electric-sql/pglite"
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm"
import { Context, Effect, Layer, Scope, Stream } from "effect"
import { mkdirSync } from "node:fs"

/** Where an embedded PGlite keeps its files; no `dataDir` means in memory (for tests). */
export interface PgliteClientOptions {
  readonly dataDir?: string | undefined
}

/** The PGlite instance under a PgliteClient, for tools that need its own API (dumps, close). */
export class Pglite extends Context.Tag("@chatbot-node/adapters/postgres/Pglite")<Pglite, PGlite>() {}

const sqlError = (cause: unknown) =>
  new SqlError.SqlError({
    cause,
    message: `Failed to execute statement: ${cause instanceof Error ? cause.message : String(cause)}`
  })

const makeConnection = (db: PGlite): SqlConnection.Connection => {
  const query = <T>(sql: string, params: ReadonlyArray<unknown>, rowMode: "object" | "array" = "object") =>
    Effect.tryPromise({
      try: (): Promise<Results<T>> => db.query<T>(sql, params as Array<unknown>, { rowMode }),
      catch: sqlError
    })
  const execute: SqlConnection.Connection["execute"] = (sql, params, transformRows) =>
    Effect.map(query<object>(sql, params), (r) => (transformRows ? transformRows(r.rows) : r.rows))
  return {
    execute,
    executeRaw: (sql, params) => query(sql, params),
    executeValues: (sql, params) =>
      Effect.map(query<Array<unknown>>(sql, params, "array"), (r) => r.rows),
    executeUnprepared: (sql, params, transformRows) =>
      params.length > 0
        ? execute(sql, params, transformRows)
        : Effect.tryPromise({ try: () => db.exec(sql), catch: sqlError }).pipe(
            Effect.map((results) => {
              const rows = (results.at(-1)?.rows ?? []) as Array<object>
              return transformRows ? transformRows(rows) : rows
            })
          ),
    executeStream: (sql, params, transformRows) =>
      Stream.fromIterableEffect(execute(sql, params, transformRows))
  }
}

/**
 * An in-process `SqlClient` over an embedded PGlite. PGlite has one connection underneath, so every
 * statement and every transaction holds a single permit: a statement of one fiber never lands
 * inside another fiber's transaction.
 */
export const make = (
  options: PgliteClientOptions = {}
): Effect.Effect<{ readonly client: SqlClient.SqlClient; readonly db: PGlite }, SqlError.SqlError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function* () {
    const db = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => {
          if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true })
          const db = new PGlite(options.dataDir, { extensions: { pg_trgm } })
          await db.waitReady
          return db
        },
        catch: (cause) => new SqlError.SqlError({ cause, message: `PGlite: failed to open ${options.dataDir ?? "memory"}` })
      }),
      (db) => Effect.promise(() => db.close()).pipe(Effect.ignore)
    )
    const connection = makeConnection(db)
    const semaphore = yield* Effect.makeSemaphore(1)
    const acquirer: SqlConnection.Connection.Acquirer = Effect.uninterruptibleMask((restore) =>
      restore(semaphore.take(1)).pipe(
        Effect.zipRight(Effect.addFinalizer(() => semaphore.release(1))),
        Effect.as(connection)
      )
    )
    const client = yield* SqlClient.make({
      acquirer,
      transactionAcquirer: acquirer,
      compiler: makeCompiler(),
      spanAttributes: [["db.system", "postgresql"], ["db.name", "pglite"]]
    })
    return { client, db }
  })

/** A layer providing `SqlClient` (and the raw `Pglite`) backed by an embedded PGlite. */
export const layer = (options: PgliteClientOptions = {}): Layer.Layer<SqlClient.SqlClient | Pglite, SqlError.SqlError> =>
  Layer.scopedContext(
    Effect.map(make(options), ({ client, db }) => Context.make(SqlClient.SqlClient, client).pipe(Context.add(Pglite, db)))
  ).pipe(Layer.provide(Reactivity.layer))
