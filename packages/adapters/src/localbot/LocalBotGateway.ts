import { BotEvent, BotEventSink, BotGateway, Errors, Ids } from "@chatbot-node/domain"
import type { BotTurn, Locale } from "@chatbot-node/domain"
import { Duration, Effect, Layer, Option, Random, Stream } from "effect"
import { demoBot } from "../catalog/demo/DemoCatalog.js"
import { replies, topicOf } from "./DemoReplies.js"
import { understand, type ProductQuestion } from "./ProductKeywords.js"

/** How the demo bot streams: a pause per token, drawn between `min` and `max` milliseconds (0 in tests). */
export interface LocalBotOptions {
  readonly tokenDelayMs?: { readonly min: number; readonly max: number } | undefined
}

const begin = "<|FunctionCallBegin|>"
const end = "<|FunctionCallEnd|>"

/** Doubao function-call markup asking the catalog for what the visitor wants. */
export const markupFor = (question: ProductQuestion): string => {
  const parameters: Record<string, unknown> = {}
  if (question.keyword !== undefined) parameters.keyword = question.keyword
  if (question.maxPrice !== undefined) parameters.max_price = question.maxPrice
  if (question.inStockOnly) parameters.in_stock = true
  return `${begin}${JSON.stringify([{ name: "get_product_list", parameters }])}${end}`
}

/** The answer text for a turn, markup included, in the visitor's locale. */
export const answerText = (turn: Pick<BotTurn, "text" | "locale" | "upstreamConversationId">): string => {
  const say = replies(turn.locale)
  const first = Option.isNone(turn.upstreamConversationId)
  const question = understand(turn.text, turn.locale)
  const topic = topicOf(turn.text)
  const parts: Array<string> = []
  if (first) parts.push(say.demoNotice)
  if (question !== undefined) {
    parts.push(question.keyword !== undefined ? say.found(question.keyword) : say.foundByPrice(question.maxPrice ?? 0))
    parts.push(markupFor(question))
    parts.push(say.after)
  } else if (topic === "shipping") parts.push(say.shipping)
  else if (topic === "returns") parts.push(say.returns)
  else if (topic === "greeting") parts.push(say.greeting)
  else parts.push(say.fallback)
  return parts.join(" ").replace(` ${begin}`, `\n${begin}`).replace(`${end} `, `${end}\n`)
}

/** Splits text into tokens as a model streams them: words in en/es, two characters at a time in zh, markup in slices. */
export const tokenize = (text: string, locale: Locale.Locale): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (const segment of text.split(/(<\|FunctionCallBegin\|>[\s\S]*?<\|FunctionCallEnd\|>)/)) {
    if (segment === "") continue
    if (segment.startsWith(begin)) {
      for (let i = 0; i < segment.length; i += 12) out.push(segment.slice(i, i + 12))
    } else if (locale === "zh") {
      const chars = Array.from(segment)
      for (let i = 0; i < chars.length; i += 2) out.push(chars.slice(i, i + 2).join(""))
    } else {
      out.push(...(segment.match(/\S+\s*|\s+/g) ?? []))
    }
  }
  return out
}

/**
 * The offline demo bot: answers in the visitor's language from the demo catalog, token by token,
 * with function-call markup for product questions (so the parser, catalog and product cards all
 * run), a demo notice on the first turn, and follow-up suggestions.
 */
export const make = (options: LocalBotOptions = {}): BotGateway.Service => {
  const delay = options.tokenDelayMs
  const pause: Effect.Effect<void> =
    delay === undefined || delay.max <= 0
      ? Effect.void
      : Effect.flatMap(Random.nextIntBetween(Math.max(0, delay.min), delay.max + 1), (ms) => Effect.sleep(Duration.millis(ms)))
  return {
    run: (turn, onEvents) =>
      BotEventSink.runStream(Stream.suspend(() => {
        const upstream = Option.getOrElse(turn.upstreamConversationId, () => `demo-${Ids.randomToken()}`)
        const chatId = `demo-chat-${Ids.randomToken()}`
        const messageId = `demo-msg-${Ids.randomToken()}`
        const text = answerText(turn)
        const head = Stream.make(BotEvent.BotEvent.TurnStarted({ upstreamConversationId: upstream, chatId }))
        const deltas = Stream.fromIterable(tokenize(text, turn.locale)).pipe(
          Stream.mapEffect((piece) => Effect.as(pause, BotEvent.BotEvent.TextDelta({ messageId, text: piece })))
        )
        const tail = Stream.fromIterable([
          BotEvent.BotEvent.AnswerCompleted({ messageId, text }),
          ...replies(turn.locale).suggestions.map((s) => BotEvent.BotEvent.FollowUp({ text: s })),
          BotEvent.BotEvent.TurnCompleted({ usage: Option.none() })
        ])
        return Stream.concat(Stream.concat(head, deltas), tail)
      }), onEvents),
    submitToolOutputs: () =>
      Effect.fail(new Errors.BotGatewayError({ reason: "bad_request", message: "the demo bot asks for no tool outputs" })),
    cancel: () => Effect.void,
    prepare: () => Effect.void,
    listBots: Effect.succeed([demoBot]),
    createBot: () => Effect.fail(new Errors.BotGatewayError({ reason: "permission", message: "the demo bot cannot create bots" }))
  }
}

/** The demo bot as a layer. */
export const layer = (options: LocalBotOptions = {}): Layer.Layer<BotGateway> => Layer.succeed(BotGateway, make(options))
