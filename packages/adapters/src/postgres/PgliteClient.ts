import * as Reactivity from "@effect/experimental/Reactivity"
import { SqlClient, SqlConnection, SqlError } from "@effect/sql"
import { makeCompiler } from "@effect/sql-pg/PgClient"
import type { PGlite, Results } from "@electric-sql/pglite"
import { Context, Deferred, Effect, Exit, FiberId, Layer, type Scope, Stream } from "effect"
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

/**
 * A first-come, first-served lock held for a scope. Effect's Semaphore lets a fiber that releases
 * take the permit straight back before the woken waiter runs, which starves writers behind a
 * busy reader; here a release hands the lock to the oldest waiter directly.
 */
const makeFairLock = () => {
  interface Ticket {
    granted: boolean
    readonly turn: Deferred.Deferred<void>
  }
  const queue: Array<Ticket> = []
  let locked = false
  const grant = (ticket: Ticket) => {
    ticket.granted = true
    Deferred.unsafeDone(ticket.turn, Exit.void)
  }
  const release = (ticket: Ticket) => {
    if (!ticket.granted) {
      const index = queue.indexOf(ticket)
      if (index >= 0) queue.splice(index, 1)
      return
    }
    const next = queue.shift()
    if (next !== undefined) grant(next)
    else locked = false
  }
  const hold: Effect.Effect<void, never, Scope.Scope> = Effect.uninterruptibleMask((restore) =>
    Effect.suspend(() => {
      const ticket: Ticket = { granted: false, turn: Deferred.unsafeMake<void>(FiberId.none) }
      if (locked) queue.push(ticket)
      else {
        locked = true
        ticket.granted = true
      }
      return Effect.addFinalizer(() => Effect.sync(() => release(ticket))).pipe(
        Effect.zipRight(ticket.granted ? Effect.void : restore(Deferred.await(ticket.turn)))
      )
    })
  )
  return hold
}

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
 * statement and every transaction holds one fair lock for its duration: a statement of one fiber
 * never lands inside another fiber's transaction, and waiters are served in arrival order.
 */
export const make = (
  options: PgliteClientOptions = {}
): Effect.Effect<{ readonly client: SqlClient.SqlClient; readonly db: PGlite }, SqlError.SqlError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function* () {
    const db = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => {
          if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true })
          // Loaded here, not at start: a server on PostgreSQL never pays for PGlite's module.
          const { PGlite } = await import("@electric-sql/pglite")
          const db = new PGlite(options.dataDir)
          await db.waitReady
          return db
        },
        catch: (cause) => new SqlError.SqlError({ cause, message: `PGlite: failed to open ${options.dataDir ?? "memory"}` })
      }),
      (db) => Effect.promise(() => db.close()).pipe(Effect.ignore)
    )
    const connection = makeConnection(db)
    const acquirer: SqlConnection.Connection.Acquirer = Effect.as(makeFairLock(), connection)
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
