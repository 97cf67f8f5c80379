/**
 * @chatbot-node/domain: the pure core of Chatbot-Node. Imports only `effect`; embed it with your
 * own adapters (an EverShop plugin, a script) or with those of @chatbot-node/adapters.
 */
export * as Admin from "./model/Admin.js"
export * as Bot from "./model/Bot.js"
export * as BotEvent from "./model/BotEvent.js"
export * as ChatEvent from "./model/ChatEvent.js"
export * as Conversation from "./model/Conversation.js"
export * as Errors from "./model/Errors.js"
export * as FunctionCall from "./model/FunctionCall.js"
export * as Ids from "./model/Ids.js"
export * as Locale from "./model/Locale.js"
export * as Message from "./model/Message.js"
export * as Page from "./model/Page.js"
export * as Product from "./model/Product.js"
export * as Realtime from "./model/Realtime.js"
export * as Shop from "./model/Shop.js"

export { AdminDirectory } from "./ports/AdminDirectory.js"
export { BotGateway } from "./ports/BotGateway.js"
export { ConversationStore } from "./ports/ConversationStore.js"
export { ProductCatalog } from "./ports/ProductCatalog.js"
export { RealtimeHub } from "./ports/RealtimeHub.js"
export { ShopDirectory } from "./ports/ShopDirectory.js"
export type * from "./ports/AdminDirectory.js"
export type * from "./ports/BotGateway.js"
export type * from "./ports/ConversationStore.js"
