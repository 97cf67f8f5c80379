import { createAdapter } from "@socket.io/postgres-adapter"
import { Effect, Redacted } from "effect"
import pg from "pg"

/**
 * Socket.io's PostgreSQL adapter on a small pool of its own: rooms and broadcasts (typing
 * indicators, `to(room).emit`) reach the sockets of every instance on the same database.
 * Scoped: the pool ends with the scope.
 */
export const make = (options: { readonly url: string | Redacted.Redacted }) =>
  Effect.gen(function*() {
    const url = typeof options.url === "string" ? options.url : Redacted.value(options.url)
    const pool = yield* Effect.acquireRelease(
      Effect.sync(() => new pg.Pool({ connectionString: url, max: 2, application_name: "chatbot-node-socketio" })),
      // pool.end() waits for clients still checked out (a LISTEN client mid-reconnect): bounded, and
      // made interruptible, since a finalizer is not and a timeout could not end it otherwise.
      (p) => Effect.promise(() => p.end().catch(() => undefined)).pipe(Effect.interruptible, Effect.timeout("2 seconds"), Effect.ignore)
    )
    pool.on("error", () => undefined)
    // A client checked out of the pool (e.g. a LISTEN connection) has no error listener of the pool's
    // any more: give every client one, or a dropped database connection crashes the process.
    pool.on("connect", (client) => client.on("error", () => undefined))
    yield* Effect.tryPromise(() =>
      pool.query(`CREATE TABLE IF NOT EXISTS socket_io_attachments (
        id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)`)
    ).pipe(Effect.catchAll((e) => Effect.logWarning("socket.io adapter table", e)))
    return createAdapter(pool, { errorHandler: () => undefined, heartbeatInterval: 5_000, heartbeatTimeout: 15_000 })
  })
