import type { AdminDirectory, BotGateway, Chat, ConversationStore, ShopDirectory } from "@chatbot-node/domain"
import { Layer } from "effect"
import type { ServerConfig } from "./Config.js"
import * as Http from "./Http.js"
import * as Logging from "./Logging.js"
import * as RetentionSchedule from "./RetentionSchedule.js"
import { ServicesLive } from "./Layers.js"

/** What the application provides to those who run it (tests reach the rest over HTTP). */
export type App = Http.HttpAddress | Chat | ConversationStore | ServerConfig | AdminDirectory | BotGateway | ShopDirectory

/** The whole application: config, database, bot, catalog, use cases and the HTTP server, built once. */
export const AppLive: Layer.Layer<App, unknown> = Layer.merge(Http.layer, RetentionSchedule.layer).pipe(
  Layer.provideMerge(ServicesLive),
  Layer.provide(Logging.layer)
)
