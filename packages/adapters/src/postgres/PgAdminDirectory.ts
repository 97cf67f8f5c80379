import { AdminDirectory, Ids } from "@chatbot-node/domain"
import type { NewAdmin } from "@chatbot-node/domain"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Clock, Effect, Layer, Option, Schema } from "effect"
import { AdminFromRow, adminColumns } from "./Rows.js"
import { mapStoreError } from "./StoreErrors.js"

const CredentialsRow = Schema.Struct({ admin: AdminFromRow, password_hash: Schema.String })
const ShopIdsJson = Schema.parseJson(Schema.Array(Ids.ShopId))

/** Builds an AdminDirectory on any PostgreSQL `SqlClient`; emails are unique by lower(email). */
export const make: Effect.Effect<AdminDirectory.Service, never, SqlClient.SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const cols = sql.literal(adminColumns)
  const withCredentials = (rows: ReadonlyArray<Record<string, unknown>>) =>
    rows.map((row) => ({ admin: row, password_hash: row.password_hash }))

  const findByEmail = SqlSchema.findOne({
    Request: Schema.String,
    Result: CredentialsRow,
    execute: (email) =>
      Effect.map(sql`SELECT ${cols}, password_hash FROM admins WHERE lower(email) = lower(${email})`, withCredentials)
  })
  const getAdmin = SqlSchema.findOne({
    Request: Schema.String,
    Result: AdminFromRow,
    execute: (id) => sql`SELECT ${cols} FROM admins WHERE id = ${id}`
  })
  const listAdmins = SqlSchema.findAll({
    Request: Schema.Void,
    Result: AdminFromRow,
    execute: () => sql`SELECT ${cols} FROM admins ORDER BY lower(email)`
  })
  const saveAdmin = SqlSchema.single({
    Request: Schema.Struct({
      id: Schema.String,
      email: Schema.String,
      name: Schema.String,
      role: Schema.String,
      shopIds: ShopIdsJson,
      passwordHash: Schema.String,
      createdAt: Schema.DateFromSelf
    }),
    Result: AdminFromRow,
    execute: (a) => sql`INSERT INTO admins (id, email, name, role, shop_ids, password_hash, created_at)
      VALUES (${a.id}, ${a.email}, ${a.name}, ${a.role}, ${a.shopIds}::jsonb, ${a.passwordHash}, ${a.createdAt}::timestamptz)
      ON CONFLICT ((lower(email))) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role,
        shop_ids = EXCLUDED.shop_ids, password_hash = EXCLUDED.password_hash
      RETURNING ${cols}`
  })

  return {
    findByEmail: (email) =>
      findByEmail(email).pipe(
        Effect.map(Option.map((row) => ({ admin: row.admin, passwordHash: row.password_hash }))),
        mapStoreError("findByEmail")
      ),
    getAdmin: (id) => getAdmin(id).pipe(mapStoreError("getAdmin")),
    listAdmins: listAdmins(undefined).pipe(mapStoreError("listAdmins")),
    saveAdmin: (admin: NewAdmin) =>
      Clock.currentTimeMillis.pipe(
        Effect.flatMap((ms) =>
          saveAdmin({ ...admin, id: Ids.randomToken(), createdAt: new Date(ms) })
        ),
        mapStoreError("saveAdmin")
      )
  }
})

/** The PostgreSQL AdminDirectory as a layer over whichever `SqlClient` is provided. */
export const layer: Layer.Layer<AdminDirectory, never, SqlClient.SqlClient> = Layer.effect(AdminDirectory, make)
