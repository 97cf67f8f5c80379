import { MemoryAdminDirectory, MemoryConversationStore, MemoryShopDirectory } from "@chatbot-node/adapters/memory"
import { adminDirectoryContract } from "./AdminDirectoryContract.js"
import { conversationStoreContract } from "./ConversationStoreContract.js"
import { sampleShop, shopDirectoryContract } from "./ShopDirectoryContract.js"

const seeded = [sampleShop(), sampleShop()]

conversationStoreContract("memory", MemoryConversationStore.layer)
shopDirectoryContract("memory", MemoryShopDirectory.layer(seeded), seeded)
adminDirectoryContract("memory", MemoryAdminDirectory.layer())
