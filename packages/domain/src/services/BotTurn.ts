import { Effect, Fiber, Option } from "effect"
import { perMessageSpan } from "../internal/PerMessageSpan.js"
import * as CatalogTools from "../logic/CatalogTools.js"
import { toErrorEvent, type ChatFailure } from "../logic/ChatErrors.js"
import * as FunctionCallMarkup from "../logic/FunctionCallMarkup.js"
import type { BotEvent, PendingToolCall } from "../model/BotEvent.js"
import { Delta, Done, MessageStored, Products, Suggestions, type ChatEvent } from "../model/ChatEvent.js"
import type { Conversation } from "../model/Conversation.js"
import { InternalError, type BotGatewayError, type ConversationNotFound, type StoreError } from "../model/Errors.js"
import { FunctionCall } from "../model/FunctionCall.js"
import type { Locale } from "../model/Locale.js"
import type { Message, MessageStatus } from "../model/Message.js"
import type { Product } from "../model/Product.js"
import { BotGateway } from "../ports/BotGateway.js"
import { ConversationStore } from "../ports/ConversationStore.js"
import { ProductCatalog } from "../ports/ProductCatalog.js"

/** How many rounds of tool outputs one turn may go through before we stop asking. */
const maxToolRounds = 4

/** What one bot reply needs. */
export interface BotTurnInput {
  readonly conversation: Conversation
  readonly reply: Message
  readonly text: string
  readonly locale: Locale
  readonly context: { readonly [key: string]: string | undefined }
  readonly emit: (event: ChatEvent) => Effect.Effect<void>
  /** The bot's events when the caller already started the upstream call (a first message: to overlap it with the conversation's writes). */
  readonly upstream?: BotEvents | undefined
}

/** The events of a bot call, handed one by one to `f` until the call ends (or fails, or `f` fails). */
export type BotEvents = <E>(f: (event: BotEvent) => Effect.Effect<void, E>) => Effect.Effect<void, BotGatewayError | E>

/**
 * Runs one bot reply to its end: streams the bot's events, hides function-call markup, answers the
 * catalog's calls with product cards, and stores the reply as complete, interrupted or failed.
 */
export const runBotTurn = (input: BotTurnInput) =>
  Effect.gen(function*() {
    const store = yield* ConversationStore
    const gateway = yield* BotGateway
    const catalog = yield* ProductCatalog
    const { conversation, emit, locale, reply } = input

    let text = ""
    let lastTextMessage: string | undefined
    const calls: Array<FunctionCall> = []
    const products: Array<Product> = []
    const suggestions: Array<string> = []
    const parsers = new Map<string, FunctionCallMarkup.IncrementalParser>()
    const finished = new Set<string>()
    let toolRounds = 0
    let linking: Fiber.Fiber<unknown, StoreError | ConversationNotFound> | undefined

    const showText = (messageId: string, visible: string) => {
      if (visible === "") return Effect.void
      const separated = text !== "" && lastTextMessage !== undefined && lastTextMessage !== messageId ? `\n\n${visible}` : visible
      lastTextMessage = messageId
      text += separated
      return emit(new Delta({ replyId: reply.id, text: separated }, true))
    }

    const lookUp = (call: FunctionCall) =>
      Option.match(CatalogTools.toCatalogRequest(call), {
        onNone: () => Effect.succeed(Option.none<ReadonlyArray<Product>>()),
        onSome: (request) =>
          (request._tag === "Search"
            ? catalog.search(conversation.shopId, request.query, locale)
            : catalog.get(conversation.shopId, request.idOrSku, locale).pipe(Effect.map(Option.toArray))
          ).pipe(
            Effect.map(Option.some<ReadonlyArray<Product>>),
            Effect.catchTag("CatalogError", (e) =>
              Effect.logWarning("catalog look-up failed", e.message).pipe(Effect.as(Option.some<ReadonlyArray<Product>>([])))
            )
          )
      })

    const handleCall = (call: FunctionCall) =>
      Effect.gen(function*() {
        calls.push(call)
        const found = yield* lookUp(call)
        if (Option.isSome(found)) {
          products.push(...found.value)
          yield* emit(new Products({ replyId: reply.id, call, products: found.value }, true))
        }
        return found
      })

    const showParsed = (messageId: string, parsed: { readonly text: string; readonly calls: ReadonlyArray<FunctionCall> }) =>
      Effect.zipRight(showText(messageId, parsed.text), Effect.forEach(parsed.calls, handleCall, { discard: true }))

    const answerToolCalls = (upstreamConversationId: string, chatId: string, pending: ReadonlyArray<PendingToolCall>) =>
      Effect.gen(function*() {
        toolRounds++
        const outputs = yield* Effect.forEach(pending, (p) =>
          handleCall(new FunctionCall({ name: p.name, arguments: p.arguments, id: p.id }, true)).pipe(
            Effect.map((found) => ({
              toolCallId: p.id,
              output: Option.match(found, {
                onNone: () => JSON.stringify({ error: `unknown tool: ${p.name}` }),
                onSome: CatalogTools.toToolOutput
              })
            }))
          ))
        if (toolRounds > maxToolRounds) return yield* Effect.logWarning("too many tool rounds; the turn ends here")
        yield* gateway.submitToolOutputs(
          { botId: conversation.botId, visitorId: conversation.visitorId, upstreamConversationId, chatId, outputs },
          (events) => Effect.forEach(events, handle, { discard: true })
        )
      })

    const handle = (event: BotEvent): Effect.Effect<void, ChatFailure> => {
      switch (event._tag) {
        case "TurnStarted":
          // Stored beside the stream, so the first token does not wait for it; joined before the reply is
          // finished, however it finishes (`linked`), so a daemon fiber is not left behind.
          return Option.contains(conversation.upstreamConversationId, event.upstreamConversationId) || linking !== undefined
            ? Effect.void
            : store.updateConversation(conversation.id, { upstreamConversationId: event.upstreamConversationId }).pipe(
              Effect.forkDaemon,
              Effect.map((fiber) => { linking = fiber })
            )
        case "TextDelta": {
          if (finished.has(event.messageId)) return Effect.void
          let parser = parsers.get(event.messageId)
          if (parser === undefined) {
            parser = FunctionCallMarkup.makeIncrementalParser()
            parsers.set(event.messageId, parser)
          }
          return showParsed(event.messageId, parser.push(event.text))
        }
        case "AnswerCompleted": {
          if (finished.has(event.messageId)) return Effect.void
          finished.add(event.messageId)
          const parser = parsers.get(event.messageId)
          parsers.delete(event.messageId)
          return showParsed(event.messageId, parser === undefined ? FunctionCallMarkup.parse(event.text) : parser.end())
        }
        case "FunctionCalled":
          return Effect.asVoid(handleCall(event.call))
        case "FollowUp":
          return Effect.sync(() => { if (event.text.trim() !== "") suggestions.push(event.text.trim()) })
        case "ToolCallsRequired":
          return answerToolCalls(event.upstreamConversationId, event.chatId, event.calls)
        case "ToolResponded":
        case "TurnCompleted":
          return Effect.void
      }
    }

    const finish = (status: MessageStatus) =>
      store.finishReply(reply.id, { text, status, functionCalls: calls, products, suggestions })

    const flushParsers = Effect.suspend(() => {
      const open = Array.from(parsers.entries())
      parsers.clear()
      return Effect.forEach(open, ([id, parser]) => showParsed(id, parser.end()), { discard: true })
    })

    const linked = Effect.suspend(() => (linking === undefined ? Effect.void : Effect.asVoid(Fiber.join(linking))))

    const succeed = Effect.gen(function*() {
      yield* linked
      yield* flushParsers
      const stored = yield* finish("complete")
      if (suggestions.length > 0) yield* emit(new Suggestions({ replyId: reply.id, suggestions }, true))
      yield* emit(new MessageStored({ message: stored }, true))
      yield* emit(new Done({ conversationId: conversation.id, replyId: Option.some(reply.id), status: "complete" }, true))
    })

    const fail = (error: ChatFailure) =>
      Effect.gen(function*() {
        yield* Effect.ignore(linked)
        const status = text === "" ? "failed" : "interrupted"
        yield* Effect.logError("bot reply failed", error).pipe(
          Effect.annotateLogs(error._tag === "BotGatewayError" ? { reason: error.reason, code: error.code, cozeLogId: error.logId } : {})
        )
        const stored = yield* finish(status).pipe(Effect.option)
        yield* emit(toErrorEvent(error, locale))
        if (Option.isSome(stored)) yield* emit(new MessageStored({ message: stored.value }, true))
        yield* emit(new Done({ conversationId: conversation.id, replyId: Option.some(reply.id), status }, true))
      })

    const interrupted = Effect.gen(function*() {
      yield* Effect.ignore(linked)
      yield* finish("interrupted").pipe(Effect.ignoreLogged)
      yield* emit(new Done({ conversationId: conversation.id, replyId: Option.some(reply.id), status: "interrupted" }, true))
    })

    const events: BotEvents = input.upstream ?? ((f) => gateway.run(botTurnOf(input), (batch) => Effect.forEach(batch, f, { discard: true })))
    yield* events(handle)
      .pipe(
        Effect.zipRight(succeed),
        Effect.catchAll(fail),
        Effect.onInterrupt(() => interrupted),
        Effect.catchAllDefect((defect) =>
          Effect.logError("bot reply crashed", defect).pipe(Effect.zipRight(fail(new InternalError({ message: "the bot reply crashed" }))))
        )
      )
  }).pipe(Effect.withSpan("Chat.botTurn", perMessageSpan))

/** The upstream request of a reply: all it needs is known once the conversation is. */
export const botTurnOf = (input: {
  readonly conversation: Pick<Conversation, "botId" | "visitorId" | "upstreamConversationId">
  readonly locale: Locale
  readonly text: string
  readonly context: BotTurnInput["context"]
}) => ({
  botId: input.conversation.botId,
  visitorId: input.conversation.visitorId,
  upstreamConversationId: input.conversation.upstreamConversationId,
  locale: input.locale,
  text: input.text,
  context: Object.fromEntries(Object.entries(input.context).filter((e): e is [string, string] => e[1] !== undefined))
})
