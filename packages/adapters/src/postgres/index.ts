/**
 * The PostgreSQL adapters of the store ports, on any `SqlClient`: PostgreSQL through
 * @effect/sql-pg, or the embedded PGlite default (`Database.layerFromEnv` chooses by DATABASE_URL).
 */
import { Layer } from "effect"
import * as PgAdminDirectory from "./PgAdminDirectory.js"
import * as PgConversationStore from "./PgConversationStore.js"
import * as PgShopDirectory from "./PgShopDirectory.js"

export * as Database from "./Database.js"
export * as Migrations from "./Migrations.js"
export * as PgliteClient from "./PgliteClient.js"
export { PgAdminDirectory, PgConversationStore, PgShopDirectory }

/** Every store port on the provided `SqlClient`. */
export const layerStores = Layer.mergeAll(PgConversationStore.layer, PgShopDirectory.layer, PgAdminDirectory.layer)
