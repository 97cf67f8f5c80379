import { BotGateway } from "@chatbot-node/domain"
import { Bot, BotEvent, BotEventSink, Errors, Ids } from "@chatbot-node/domain"
import type { BotTurn, ToolOutputs } from "@chatbot-node/domain"
import { Effect, Layer, Option, Stream } from "effect"

/** What a scripted bot says: events in order; an error in the list fails the stream there. */
export type Scene = ReadonlyArray<BotEvent.BotEvent | Errors.BotGatewayError> | Errors.BotGatewayError

/** What a scripted bot says for a turn (or for tool outputs). */
export interface Script {
  readonly reply: (turn: BotTurn) => Scene
  readonly afterTools?: (outputs: ToolOutputs) => Scene
  /** Pause between events, to let tests and demos see streaming. */
  readonly delay?: Effect.Effect<void>
}

const play = (scene: Scene, delay: Effect.Effect<void>): Stream.Stream<BotEvent.BotEvent, Errors.BotGatewayError> =>
  Stream.fromIterable(scene instanceof Errors.BotGatewayError ? [scene] : scene).pipe(
    Stream.mapEffect((item) => item instanceof Errors.BotGatewayError ? Effect.fail(item) : Effect.as(delay, item))
  )

/** Splits text into word-sized deltas of one answer message, then completes it. */
export const answer = (messageId: string, text: string): ReadonlyArray<BotEvent.BotEvent> => [
  ...(text.match(/\S+\s*|\s+/g) ?? []).map((piece) => BotEvent.BotEvent.TextDelta({ messageId, text: piece })),
  BotEvent.BotEvent.AnswerCompleted({ messageId, text })
]

/**
 * A BotGateway that plays a script instead of calling a platform: for tests, examples and
 * embedding the domain without a bot service. Counts the turns it ran and how many ran at once.
 */
export const make = (script: Script) => {
  let turns = 0
  let cancels = 0
  let prepares = 0
  let running = 0
  let maxRunning = 0
  const delay = script.delay ?? Effect.void
  const tracked = <A, E>(stream: Stream.Stream<A, E>) =>
    Stream.acquireRelease(
      Effect.sync(() => { running++; maxRunning = Math.max(maxRunning, running) }),
      () => Effect.sync(() => { running-- })
    ).pipe(Stream.flatMap(() => stream))
  const service: BotGateway.Service = {
    run: (turn, onEvents) => BotEventSink.runStream(tracked(Stream.suspend(() => { turns++; return play(script.reply(turn), delay) })), onEvents),
    submitToolOutputs: (outputs, onEvents) =>
      BotEventSink.runStream(
        Stream.suspend(() =>
          play(
            script.afterTools?.(outputs) ?? new Errors.BotGatewayError({ reason: "bad_request", message: "no tool calls are pending" }),
            delay
          )
        ),
        onEvents
      ),
    cancel: () => Effect.sync(() => { cancels++ }),
    prepare: () => Effect.sync(() => { prepares++ }),
    listBots: Effect.succeed([new Bot.Bot({ id: Ids.BotId.make("scripted"), name: "Scripted bot", provider: "demo" })]),
    createBot: (bot) => Effect.succeed(new Bot.Bot({ id: Ids.BotId.make("scripted"), name: bot.name, provider: "demo" }))
  }
  return { service, turns: () => turns, cancels: () => cancels, prepares: () => prepares, maxConcurrentTurns: () => maxRunning }
}

/** The scripted gateway as a layer. */
export const layer = (script: Script): Layer.Layer<BotGateway> => Layer.succeed(BotGateway, make(script).service)

/** A turn's upstream ids, for scripts that need them. */
export const started = (conversationId: string, chatId: string) =>
  BotEvent.BotEvent.TurnStarted({ upstreamConversationId: conversationId, chatId })

export const completed = BotEvent.BotEvent.TurnCompleted({ usage: Option.none() })
