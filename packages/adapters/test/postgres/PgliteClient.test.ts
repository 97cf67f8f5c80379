import { PgliteClient } from "@chatbot-node/adapters/postgres"
import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Effect, Fiber, Schema } from "effect"

const Rows = Schema.Array(Schema.Struct({ n: Schema.Int }))
const count = Effect.flatMap(SqlClient.SqlClient, (sql) => sql`SELECT count(*)::int AS n FROM t`).pipe(
  Effect.flatMap(Schema.decodeUnknown(Rows)),
  Effect.map((rows) => rows[0]?.n)
)

layer(PgliteClient.layer({}), { timeout: "120 seconds", excludeTestServices: true })("PgliteClient", (it) => {
  it.effect("runs statements and reports SQL errors as SqlError", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE t (id int PRIMARY KEY, label text)`
      yield* sql`INSERT INTO t ${sql.insert([{ id: 1, label: "a" }, { id: 2, label: "b" }])}`
      expect(yield* count).toBe(2)
      const error = yield* Effect.flip(sql`INSERT INTO t (id, label) VALUES (1, 'again')`)
      expect(error._tag).toBe("SqlError")
      yield* sql`DELETE FROM t`
    }))

  it.effect("a statement of another fiber never runs inside a transaction", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const inTransaction = yield* Effect.fork(
        sql.withTransaction(
          Effect.gen(function* () {
            yield* sql`INSERT INTO t (id, label) VALUES (10, 'uncommitted')`
            yield* Effect.sleep("150 millis")
            return yield* Effect.fail("roll back")
          })
        )
      )
      yield* Effect.sleep("30 millis")
      // had this run on the transaction's connection, it would see the uncommitted row
      const seenDuring = yield* count
      expect(yield* Effect.flip(Fiber.join(inTransaction))).toBe("roll back")
      expect(seenDuring).toBe(0)
      expect(yield* count).toBe(0)
    }))

  it.effect("waiters are served in order: a busy reader does not starve a writer", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const writer = yield* Effect.fork(
        Effect.forEach([1, 2, 3, 4, 5], (id) => sql`INSERT INTO t (id, label) VALUES (${id + 100}, 'w')`, { concurrency: 2 })
      )
      let reads = 0
      while (((yield* count) ?? 0) < 5) {
        reads++
        if (reads > 1000) break
      }
      yield* Fiber.join(writer)
      expect(reads).toBeLessThan(1000)
      yield* sql`DELETE FROM t`
    }))

  it.effect("a fiber interrupted while waiting for the connection leaves it usable", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const holder = yield* Effect.fork(sql.withTransaction(Effect.sleep("100 millis")))
      yield* Effect.sleep("10 millis")
      const waiter = yield* Effect.fork(sql`SELECT 1`)
      yield* Effect.sleep("10 millis")
      yield* Fiber.interrupt(waiter)
      yield* Fiber.join(holder)
      expect(yield* count).toBe(0)
      const [a, b] = yield* Effect.all([count, count], { concurrency: 2 })
      expect([a, b]).toEqual([0, 0])
    }))
})
