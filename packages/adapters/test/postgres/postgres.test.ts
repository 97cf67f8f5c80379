import { PgAdminDirectory, PgConversationStore, PgShopDirectory } from "@chatbot-node/adapters/postgres"
import { ShopDirectory } from "@chatbot-node/domain"
import { describe } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { adminDirectoryContract } from "../contract/AdminDirectoryContract.js"
import { conversationStoreContract } from "../contract/ConversationStoreContract.js"
import { sampleShop, shopDirectoryContract } from "../contract/ShopDirectoryContract.js"
import { freshPostgres, testDatabaseUrl } from "../support/database.js"

const seeded = [sampleShop(), sampleShop()]

// Runs only when TEST_DATABASE_URL names a PostgreSQL server; each suite creates and drops its own database.
describe.runIf(testDatabaseUrl !== undefined)("PostgreSQL", () => {
  const url = testDatabaseUrl!
  const seededShops = Layer.effectDiscard(
    Effect.flatMap(ShopDirectory, (directory) => Effect.forEach(seeded, directory.saveShop))
  ).pipe(Layer.provideMerge(PgShopDirectory.layer))

  conversationStoreContract("PostgreSQL", PgConversationStore.layer.pipe(Layer.provide(freshPostgres(url))))
  shopDirectoryContract("PostgreSQL", seededShops.pipe(Layer.provide(freshPostgres(url))), seeded)
  adminDirectoryContract("PostgreSQL", PgAdminDirectory.layer.pipe(Layer.provide(freshPostgres(url))))
})
