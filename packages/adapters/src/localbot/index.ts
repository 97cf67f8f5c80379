/** The offline demo bot: a BotGateway answering from the demo catalog in zh, en and es. */
export * as LocalBotGateway from "./LocalBotGateway.js"
export * as ProductKeywords from "./ProductKeywords.js"
