import { Shop, ShopDirectory } from "@chatbot-node/domain"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Layer, Option, Schema } from "effect"
import { mapStoreError } from "./StoreErrors.js"

/** A shops row: the shop's settings (bots, routing rules, origins, retention) as a JSON document. */
const ShopRow = Schema.Struct({ document: Shop.Shop })
const ShopJson = Schema.parseJson(Shop.Shop)

/** Builds a ShopDirectory on any PostgreSQL `SqlClient`; each shop is one row with a jsonb document. */
export const make: Effect.Effect<ShopDirectory.Service, never, SqlClient.SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const getShop = SqlSchema.findOne({
    Request: Schema.String,
    Result: ShopRow,
    execute: (id) => sql`SELECT document FROM shops WHERE id = ${id}`
  })
  const listShops = SqlSchema.findAll({
    Request: Schema.Void,
    Result: ShopRow,
    execute: () => sql`SELECT document FROM shops ORDER BY id`
  })
  const saveShop = SqlSchema.void({
    Request: Schema.Struct({ id: Schema.String, document: ShopJson }),
    execute: ({ document, id }) => sql`INSERT INTO shops (id, document, updated_at) VALUES (${id}, ${document}::jsonb, now())
      ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document, updated_at = now()`
  })
  return {
    getShop: (id) =>
      getShop(id).pipe(
        Effect.map(Option.map((row) => row.document)),
        mapStoreError("getShop")
      ),
    listShops: listShops(undefined).pipe(
      Effect.map((rows) => rows.map((row) => row.document)),
      mapStoreError("listShops")
    ),
    saveShop: (shop) => saveShop({ id: shop.id, document: shop }).pipe(mapStoreError("saveShop"))
  }
})

/** The PostgreSQL ShopDirectory as a layer over whichever `SqlClient` is provided. */
export const layer: Layer.Layer<ShopDirectory, never, SqlClient.SqlClient> = Layer.effect(ShopDirectory, make)
