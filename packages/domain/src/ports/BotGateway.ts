import { Context, type Effect, type Option } from "effect"
import type { Bot } from "../model/Bot.js"
import type { BotGatewayError } from "../model/Errors.js"
import type { BotId, VisitorId } from "../model/Ids.js"
import type { Locale } from "../model/Locale.js"
import type { BotEventSink } from "./BotEventSink.js"

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
 * A bot platform (Coze, the offline demo bot): runs a turn, handing its `BotEvent`s to a sink as
 * they come, takes tool outputs, and lists or creates bots. `BotEventSink.toStream` makes a call a
 * `Stream` for callers that want one.
 */
export class BotGateway extends Context.Tag("@chatbot-node/domain/BotGateway")<BotGateway, BotGateway.Service>() {}

export declare namespace BotGateway {
  export interface Service {
    /**
     * Runs one turn: its events go to `onEvents` batch by batch until the bot's turn ends; fails with
     * the platform's error or the sink's. A push rather than a `Stream`: a stream's run costs the
     * runtime more than a reply's events.
     */
    readonly run: <E>(turn: BotTurn, onEvents: BotEventSink<E>) => Effect.Effect<void, BotGatewayError | E>
    /** Continues a turn that stopped at `ToolCallsRequired`; the events go on from there. */
    readonly submitToolOutputs: <E>(outputs: ToolOutputs, onEvents: BotEventSink<E>) => Effect.Effect<void, BotGatewayError | E>
    readonly cancel: (upstreamConversationId: string, chatId: string) => Effect.Effect<void, BotGatewayError>
    /**
     * A visitor is about to write (typing, opening the chat): gets ready so that their next `run`
     * answers sooner, e.g. opens the connection to the platform when it has gone cold, or gets the
     * visitor's access token. Best effort: never fails; cheap when there is nothing to do.
     */
    readonly prepare: (visitorId: VisitorId) => Effect.Effect<void>
    readonly listBots: Effect.Effect<ReadonlyArray<Bot>, BotGatewayError>
    readonly createBot: (bot: NewBot) => Effect.Effect<Bot, BotGatewayError>
  }
}
