/** The Coze adapter of the `BotGateway` port: Coze Open API (directly or through the proxy) on @effect/platform's HttpClient. */
export * as CozeBotGateway from "./CozeBotGateway.js"
export * as CozeConfig from "./CozeConfig.js"
export * as CozeErrors from "./CozeErrors.js"
export * as CozeWire from "./CozeWire.js"
export * as LosslessJson from "./LosslessJson.js"
export type { BotChanges } from "./CozeBots.js"
