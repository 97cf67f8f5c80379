/** In-memory adapters of the domain's ports: for tests, examples and embedding without a database. */
export {}
export * as MemoryConversationStore from "./MemoryConversationStore.js"
export * as MemoryShopDirectory from "./MemoryShopDirectory.js"
export * as MemoryAdminDirectory from "./MemoryAdminDirectory.js"
export * as MemoryRealtimeHub from "./MemoryRealtimeHub.js"
export * as MemoryProductCatalog from "./MemoryProductCatalog.js"
export * as ScriptedBotGateway from "./ScriptedBotGateway.js"
