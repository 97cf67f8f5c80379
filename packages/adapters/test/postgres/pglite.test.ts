import { PgAdminDirectory, PgConversationStore, PgShopDirectory } from "@chatbot-node/adapters/postgres"
import { ShopDirectory } from "@chatbot-node/domain"
import { Effect, Layer } from "effect"
import { adminDirectoryContract } from "../contract/AdminDirectoryContract.js"
import { conversationStoreContract } from "../contract/ConversationStoreContract.js"
import { sampleShop, shopDirectoryContract } from "../contract/ShopDirectoryContract.js"
import { freshPglite } from "../support/database.js"

const seeded = [sampleShop(), sampleShop()]
const seededShops = Layer.effectDiscard(
  Effect.flatMap(ShopDirectory, (directory) => Effect.forEach(seeded, directory.saveShop))
).pipe(Layer.provideMerge(PgShopDirectory.layer))

// Each suite gets its own in-memory PGlite, migrated from empty.
conversationStoreContract("PGlite", PgConversationStore.layer.pipe(Layer.provide(freshPglite())))
shopDirectoryContract("PGlite", seededShops.pipe(Layer.provide(freshPglite())), seeded)
adminDirectoryContract("PGlite", PgAdminDirectory.layer.pipe(Layer.provide(freshPglite())))
