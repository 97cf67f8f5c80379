import type { HttpClient } from "@effect/platform"
import { BotGateway, type Errors, KeyedLock } from "@chatbot-node/domain"
import { Context, Effect, Layer, type ConfigError, type Scope } from "effect"
import * as CozeAuth from "./CozeAuth.js"
import { cancelChat } from "./CozeChatLifecycle.js"
import * as CozeBots from "./CozeBots.js"
import * as CozeConfig from "./CozeConfig.js"
import type { CozeDeps } from "./CozeDeps.js"
import * as CozeHttp from "./CozeHttp.js"
import { pollToolOutputs, pollTurn } from "./CozePollChat.js"
import { streamToolOutputs, streamTurn } from "./CozeStreamChat.js"

/** The Coze adapter with the bot-management calls the port does not name (get, update, publish). */
export class CozeBotGateway extends Context.Tag("@chatbot-node/adapters/CozeBotGateway")<
  CozeBotGateway,
  CozeBotGateway.Service
>() {}

export declare namespace CozeBotGateway {
  export interface Service extends BotGateway.Service {
    readonly getBot: ReturnType<typeof CozeBots.make>["getBot"]
    readonly updateBot: (botId: string, changes: CozeBots.BotChanges) => Effect.Effect<void, Errors.BotGatewayError>
    readonly publishBot: (botId: string) => Effect.Effect<string, Errors.BotGatewayError>
  }
}

/**
 * The `BotGateway` on the Coze Open API (directly or through the proxy), over the platform's
 * `HttpClient`: streamed (SSE) or polled chat, tool outputs, cancel, bots. Token exchanges and
 * per-conversation locks live in the caller's scope.
 */
export const make = (
  options: CozeConfig.CozeOptions
): Effect.Effect<CozeBotGateway.Service, never, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const resolved = CozeConfig.resolve(options)
    const http = yield* CozeHttp.make(resolved)
    const auth = yield* CozeAuth.make(resolved, http)
    const locks = yield* KeyedLock.makeKeyedLock<string>()
    const deps: CozeDeps = { options: resolved, http, auth, locks }
    const bots = CozeBots.make(deps)
    const poll = resolved.mode === "poll"
    return {
      run: (turn, onEvents) => (poll ? pollTurn(deps, turn, onEvents) : streamTurn(deps, turn, onEvents)),
      submitToolOutputs: (outputs, onEvents) => (poll ? pollToolOutputs(deps, outputs, onEvents) : streamToolOutputs(deps, outputs, onEvents)),
      cancel: (conversationId, chatId) => cancelChat(deps, "", conversationId, chatId),
      // The visitor's token first (an exchange also opens the connection), then the connection if it is still cold.
      prepare: (visitorId) => Effect.zipRight(auth.prepare(visitorId), http.warm),
      listBots: bots.listBots,
      createBot: bots.createBot,
      getBot: bots.getBot,
      updateBot: bots.updateBot,
      publishBot: bots.publishBot
    }
  })

/** Provides `BotGateway` (and `CozeBotGateway`) from options. */
export const layer = (
  options: CozeConfig.CozeOptions
): Layer.Layer<BotGateway | CozeBotGateway, never, HttpClient.HttpClient> =>
  Layer.scopedContext(
    Effect.map(make(options), (service) => Context.make(CozeBotGateway, service).pipe(Context.add(BotGateway, service)))
  )

/** Provides `BotGateway` (and `CozeBotGateway`) from the `COZE_*` environment, with optional overrides. */
export const layerConfig = (
  overrides: Partial<CozeConfig.CozeOptions> = {}
): Layer.Layer<BotGateway | CozeBotGateway, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.unwrapEffect(Effect.map(CozeConfig.fromEnv, (options) => layer({ ...options, ...overrides })))
