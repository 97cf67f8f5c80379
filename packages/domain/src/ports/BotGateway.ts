import { Context, type Effect, type Option, type Stream } from "effect"
import type { Bot } from "../model/Bot.js"
import type { BotEvent } from "../model/BotEvent.js"
import type { BotGatewayError } from "../model/Errors.js"
import type { BotId, VisitorId } from "../model/Ids.js"
import type { Locale } from "../model/Locale.js"

/** One visitor message for a bot. */
export interface BotTurn {
  readonly botId: BotId
  readonly visitorId: VisitorId
  /** The platform's conversation to continue; none opens a new one. */
  readonly upstreamConversationId: Option.Option<string>
  readonly locale: Locale
  readonly text: string
  /** Page context the bot may use (e.g. `page`, `productId`), passed as custom variables. */
  readonly context: Readonly<Record<string, string>>
}

/** Our answers to the tool calls a platform waits on. */
export interface ToolOutputs {
  readonly botId: BotId
  readonly visitorId: VisitorId
  readonly upstreamConversationId: string
  readonly chatId: string
  readonly outputs: ReadonlyArray<{ readonly toolCallId: string; readonly output: string }>
}

/** What an owner gives to create a bot on the platform. */
export interface NewBot {
  readonly name: string
  readonly description?: string | undefined
  readonly prompt?: string | undefined
  readonly prologue?: string | undefined
}

/**
 * A bot platform (Coze, the offline demo bot): runs a turn as a stream of `BotEvent`s, takes tool
 * outputs, and lists or creates bots.
 */
export class BotGateway extends Context.Tag("@chatbot-node/domain/BotGateway")<BotGateway, BotGateway.Service>() {}

export declare namespace BotGateway {
  export interface Service {
    readonly stream: (turn: BotTurn) => Stream.Stream<BotEvent, BotGatewayError>
    /** Continues a turn that stopped at `ToolCallsRequired`; the events go on from there. */
    readonly submitToolOutputs: (outputs: ToolOutputs) => Stream.Stream<BotEvent, BotGatewayError>
    readonly cancel: (upstreamConversationId: string, chatId: string) => Effect.Effect<void, BotGatewayError>
    readonly listBots: Effect.Effect<ReadonlyArray<Bot>, BotGatewayError>
    readonly createBot: (bot: NewBot) => Effect.Effect<Bot, BotGatewayError>
  }
}
