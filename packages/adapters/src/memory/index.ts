/** In-memory adapters of the domain's ports: for tests, examples and embedding without a database. */
export {}
export * as MemoryConversationStore from "./MemoryConversationStore.js"
export * as MemoryShopDirectory from "./MemoryShopDirectory.js"
export * as MemoryAdminDirectory from "./MemoryAdminDirectory.js"
