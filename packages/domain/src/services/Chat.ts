import { Chunk, Clock, Context, Effect, Either, Exit, Fiber, FiberSet, Option, Queue, Scope, type Stream, Take } from "effect"
import { makeKeyedLock } from "../internal/KeyedLock.js"
import { perMessageSpan } from "../internal/PerMessageSpan.js"
import { makeTurnLog, type TurnLog } from "../internal/TurnLog.js"
import * as BotRouting from "../logic/BotRouting.js"
import * as ConversationState from "../logic/ConversationState.js"
import * as LanguageDetection from "../logic/LanguageDetection.js"
import * as MessageText from "../logic/MessageText.js"
import type { Conversation, ConversationPatch, NewConversation } from "../model/Conversation.js"
import { Done, MessageStored, Started, StatusChanged, type ChatEvent } from "../model/ChatEvent.js"
import { ConversationNotFound, ShopNotFound } from "../model/Errors.js"
import type { BotGatewayError, BotNotAllowed, EmptyMessage, MessageTooLong, NoBotConfigured, StoreError } from "../model/Errors.js"
import type { BotEvent } from "../model/BotEvent.js"
import { newConversationId, type BotId, type ClientMessageId, type ConversationId, type MessageId, type ShopId, type VisitorId } from "../model/Ids.js"
import type { Locale } from "../model/Locale.js"
import type { Message, NewMessage } from "../model/Message.js"
import { findBot } from "../model/Shop.js"
import { BotGateway, type BotTurn } from "../ports/BotGateway.js"
import { ConversationStore } from "../ports/ConversationStore.js"
import { ProductCatalog } from "../ports/ProductCatalog.js"
import { RealtimeHub } from "../ports/RealtimeHub.js"
import { ShopDirectory } from "../ports/ShopDirectory.js"
import { type BotEvents, botTurnOf, runBotTurn } from "./BotTurn.js"

/** Where the visitor is: lets routing and the bot use the page or product they look at. */
export interface PageContext {
  readonly path?: string | undefined
  readonly productId?: string | undefined
  readonly category?: string | undefined
}

/** A visitor's message as a driving adapter hands it over, already decoded. */
export interface SendRequest<E = never> {
  readonly shopId: ShopId
  readonly visitorId: VisitorId
  readonly text: string
  readonly clientMessageId?: ClientMessageId | undefined
  /** Continue this conversation (it must be the visitor's own); none opens a new one. */
  readonly conversationId?: ConversationId | undefined
  readonly botId?: BotId | undefined
  /** The widget's or page's locale: wins over detection. */
  readonly locale?: Locale | undefined
  readonly context?: PageContext | undefined
  /**
   * What must succeed before anything is stored (e.g. a rate limit counted in a shared store); the
   * bot may be asked meanwhile, and its call is closed if this fails with `E`.
   */
  readonly admission?: Effect.Effect<void, E> | undefined
}

/** Why a message was refused before anything was stored. */
export type SendRejected =
  | EmptyMessage
  | MessageTooLong
  | ShopNotFound
  | ConversationNotFound
  | BotNotAllowed
  | NoBotConfigured
  | StoreError

/** An accepted message and the reply's events, which any number of readers may follow. */
export interface Turn {
  readonly conversation: Conversation
  readonly visitorMessage: Message
  /** True when this clientMessageId was stored before: nothing new was stored or asked. */
  readonly duplicate: boolean
  /** The turn's events from position `from` on, each with its position (an SSE `id`); ends after `done`. */
  readonly events: (from?: number) => Stream.Stream<readonly [number, ChatEvent]>
  /** Hands the turn's events from position `from` on to `f` as they come, until `done` (`events` without a stream's run). */
  readonly forEachEvent: <E>(f: (position: number, event: ChatEvent) => Effect.Effect<void, E>, from?: number) => Effect.Effect<void, E>
  /**
   * For a writer that does not wait (a write to a socket's buffer): the events ready at once in one
   * call, each with its position, handed to `f` as the reply appends them, with no wake of the
   * reader's fiber in between; ends after `done`.
   */
  readonly forEachBatchSync: (f: (batch: ReadonlyArray<readonly [number, ChatEvent]>) => void, from?: number) => Effect.Effect<void>
}

/** A bot call already under way: its events, and how to stop it. */
interface Upstream {
  readonly events: BotEvents
  readonly close: Effect.Effect<void>
}

interface RunningTurn {
  readonly shopId: ShopId
  readonly visitorId: VisitorId
  readonly conversationId: ConversationId
  readonly log: TurnLog
  fiber: Option.Option<Fiber.RuntimeFiber<void>>
  finishedAt: Option.Option<number>
}

/** Where a message goes: a conversation that exists, or a new one, opened with the message in one write. */
type Target =
  | { readonly _tag: "existing"; readonly conversation: Conversation }
  | { readonly _tag: "new"; readonly conversation: NewConversation }

/** A turn as `send` answers it: its events read from its log. */
const turnOf = (conversation: Conversation, visitorMessage: Message, duplicate: boolean, log: TurnLog): Turn => ({
  conversation,
  visitorMessage,
  duplicate,
  events: (from = 0) => log.follow(from),
  forEachEvent: (f, from = 0) => log.forEach(from, f),
  forEachBatchSync: (f, from = 0) => log.forEachBatchSync(from, f)
})

/** How long a finished turn stays followable in memory (for SSE resumption) before only the store has it. */
const finishedTurnRetentionMs = 5 * 60_000

/**
 * The chat use case: takes a visitor's message, stores it once, routes it to a bot (unless a
 * person holds the conversation), and runs the reply in the background so that it is completed and
 * stored even when the visitor goes away. One reply at a time per conversation.
 */
export class Chat extends Effect.Service<Chat>()("@chatbot-node/domain/Chat", {
  scoped: Effect.gen(function*() {
    const store = yield* ConversationStore
    const shops = yield* ShopDirectory
    const gateway = yield* BotGateway
    const catalog = yield* ProductCatalog
    const hub = yield* RealtimeHub
    const fibers = yield* FiberSet.make<void, never>()
    const scope = yield* Effect.scope
    const locks = yield* makeKeyedLock<ConversationId>()
    const turns = new Map<MessageId, RunningTurn>()
    // What a reply's fiber needs, provided in one step.
    const turnServices = Context.make(ConversationStore, store).pipe(Context.add(BotGateway, gateway), Context.add(ProductCatalog, catalog))

    // Finished turns in the order they finished, so that forgetting the old ones costs only what is forgotten.
    const finished: Array<{ readonly id: MessageId; readonly at: number }> = []
    let oldestFinished = 0
    const pruneFinished = Effect.map(Clock.currentTimeMillis, (now) => {
      while (oldestFinished < finished.length && now - finished[oldestFinished]!.at > finishedTurnRetentionMs) {
        turns.delete(finished[oldestFinished]!.id)
        oldestFinished++
      }
      if (oldestFinished > 1024 && oldestFinished * 2 > finished.length) {
        finished.splice(0, oldestFinished)
        oldestFinished = 0
      }
    })

    const publisher = (conversation: Conversation, log: TurnLog) => (event: ChatEvent) =>
      Effect.zipRight(log.append(event), hub.publish(conversation.shopId, conversation.id, event))

    /** The conversation the request names, which must be the visitor's own. */
    const ownConversation = (req: Pick<SendRequest, "shopId" | "visitorId">, conversationId: ConversationId) =>
      Effect.flatMap(store.getVisitorConversation(req.shopId, req.visitorId, conversationId), (found) =>
        Option.isNone(found) ? Effect.fail(new ConversationNotFound({ conversationId })) : Effect.succeed(found))

    /** A log replaying a turn that is no longer in memory, from the store. */
    const storedTurn = (conversation: Conversation, visitorMessage: Message) =>
      Effect.gen(function*() {
        const log = yield* makeTurnLog
        const after = yield* store.listMessages(conversation.id, { afterSeq: visitorMessage.seq, limit: 20 })
        const reply = Option.fromNullable(after.find((m) => m.role === "bot"))
        yield* log.append(new Started({ conversationId: conversation.id, messageId: visitorMessage.id, replyId: Option.map(reply, (r) => r.id), locale: conversation.locale, botId: conversation.botId }, true))
        if (Option.isSome(reply)) yield* log.append(new MessageStored({ message: reply.value }, true))
        yield* log.append(new Done({
          conversationId: conversation.id,
          replyId: Option.map(reply, (r) => r.id),
          status: Option.match(reply, {
            onNone: () => (conversation.status === "bot" ? "interrupted" : "handed-off"),
            onSome: (r) => (r.status === "complete" ? "complete" : r.status === "failed" ? "failed" : "interrupted")
          })
        }, true))
        return log
      })

    /** Starts a bot call now, its events queued until a reader takes them; `close` stops it. */
    const startUpstream = (turn: BotTurn) =>
      Effect.gen(function*() {
        const scope = yield* Scope.make()
        const queue = yield* Queue.unbounded<Take.Take<BotEvent, BotGatewayError>>()
        yield* Scope.addFinalizer(scope, Queue.shutdown(queue))
        // Interruptible even when started from an uninterruptible region (acquireRelease), so that `close` stops it at once.
        yield* Effect.forkIn(
          Effect.interruptible(gateway.run(turn, (events) => Effect.sync(() => { queue.unsafeOffer(Take.chunk(Chunk.unsafeFromArray(events))) }))).pipe(
            Effect.onExit((exit) => Effect.sync(() => { queue.unsafeOffer(Exit.isSuccess(exit) ? Take.end : Take.failCause(exit.cause)) }))
          ),
          scope
        )
        // Taken from the queue directly rather than as a stream: a stream's run costs more than the reply's events.
        const events: BotEvents = (f) => {
          const next: Effect.Effect<void, BotGatewayError | Effect.Effect.Error<ReturnType<typeof f>>> = Effect.flatMap(Queue.take(queue), (take) =>
            Take.match(take, {
              onEnd: () => Effect.void,
              onFailure: Effect.failCause,
              onSuccess: (chunk) => Effect.zipRight(Effect.forEach(chunk, f, { discard: true }), next)
            }))
          return next
        }
        return { events, close: Scope.close(scope, Exit.void) } satisfies Upstream
      })

    /** A message to a conversation that exists, with the reply's placeholder when the bot answers there. */
    const appendTo = (conversation: Conversation, message: NewMessage, reply: NewMessage) =>
      ConversationState.botAnswers(conversation.status)
        ? store.appendTurn(message, reply)
        : Effect.map(store.appendMessage(message), (visitor) => ({ visitor, reply: Option.none<Message>() }))

    const send = <E = never>(req: SendRequest<E>) =>
      Effect.suspend(() => {
        const early: { upstream: Upstream | undefined } = { upstream: undefined }
        return sendWith(req, early).pipe(Effect.onError(() => early.upstream?.close ?? Effect.void))
      }).pipe(Effect.withSpan("Chat.send", perMessageSpan))

    const sendWith = <E>(req: SendRequest<E>, early: { upstream: Upstream | undefined }) => Effect.gen(function*() {
      const text = yield* MessageText.validate(req.text)
      yield* pruneFinished

      const shop = yield* shops.getShop(req.shopId).pipe(
        Effect.flatMap(Option.match({
          onNone: () => Effect.fail(new ShopNotFound({ shopId: req.shopId })),
          onSome: Effect.succeed
        }))
      )
      const named = req.conversationId === undefined ? Option.none<Conversation>() : yield* ownConversation(req, req.conversationId)
      const localeFor = (current: Option.Option<Conversation>) =>
        LanguageDetection.resolve({
          explicit: Option.fromNullable(req.locale),
          current: Option.map(current, (c) => c.locale),
          text,
          fallback: shop.defaultLocale
        })
      const route = (locale: Locale) =>
        Either.match(BotRouting.route(shop, { requestedBotId: Option.fromNullable(req.botId), locale, text, context: req.context ?? {} }), {
          onLeft: Effect.fail,
          onRight: Effect.succeed
        })

      /** Where the message goes (the conversation), its locale and whether it was reopened, for a message to a conversation that exists. */
      const continueConversation = (current: Conversation) =>
        Effect.gen(function*() {
          const locale = localeFor(Option.some(current))
          const needsRouting = req.botId !== undefined || Option.isNone(findBot(shop, current.botId))
          const botId = needsRouting ? yield* route(locale) : current.botId
          const reopened = current.status === "closed" && ConversationState.canTransition("closed", "bot")
          const patch: ConversationPatch = {
            ...(locale !== current.locale ? { locale } : {}),
            ...(botId !== current.botId ? { botId } : {}),
            ...(reopened ? { status: "bot" as const, assignedAgentId: null } : {})
          }
          const conversation = Object.keys(patch).length > 0 ? yield* store.updateConversation(current.id, patch) : current
          return { target: { _tag: "existing" as const, conversation }, locale, reopened }
        })

      let target: Target
      let locale: Locale
      let reopened = false
      const admitted = req.admission ?? Effect.void
      if (Option.isSome(named)) {
        yield* admitted
        ;({ target, locale, reopened } = yield* continueConversation(named.value))
      } else {
        locale = localeFor(Option.none())
        const botId = yield* route(locale)
        // A message without a conversation opens one, so the bot is asked at once: while this
        // clientMessageId is looked for in the visitor's latest conversation (a retried first message)
        // and while the conversation and the message are stored. Its events wait until they are; a
        // retry closes the call before anything of it is shown.
        early.upstream = yield* startUpstream(botTurnOf({
          conversation: { botId, visitorId: req.visitorId, upstreamConversationId: Option.none() },
          text,
          locale,
          context: { ...req.context }
        }))
        yield* admitted
        const retried = req.clientMessageId === undefined
          ? Option.none<Conversation>()
          : yield* store.latestVisitorConversationHolding(req.shopId, req.visitorId, req.clientMessageId)
        if (Option.isSome(retried)) {
          yield* early.upstream.close
          early.upstream = undefined
          ;({ target, locale, reopened } = yield* continueConversation(retried.value))
        } else {
          target = { _tag: "new", conversation: { id: yield* newConversationId, shopId: shop.id, visitorId: req.visitorId, locale, botId } }
        }
      }

      // From the first write on, the turn runs to its end even if the caller goes away: the message is
      // answered and its placeholder never left `streaming`.
      return yield* Effect.uninterruptible(Effect.gen(function*() {
        const visitorInput = (conversationId: ConversationId) => ({
          conversationId,
          role: "visitor" as const,
          text,
          status: "complete" as const,
          clientMessageId: req.clientMessageId
        })
        const placeholder = (conversationId: ConversationId) => ({ conversationId, role: "bot" as const, text: "", status: "streaming" as const })
        // A new conversation is stored with the message and the reply's placeholder; else the bot's reply
        // gets its placeholder in the same statement as the message, if the message is new.
        const { conversation, appended } = target._tag === "new"
          ? yield* Effect.map(
            store.openConversation(target.conversation, visitorInput(target.conversation.id), placeholder(target.conversation.id)),
            (opened) => ({ conversation: opened.conversation, appended: opened.turn })
          )
          : { conversation: target.conversation, appended: yield* appendTo(target.conversation, visitorInput(target.conversation.id), placeholder(target.conversation.id)) }
        const visitorMessage = appended.visitor.message

        if (!appended.visitor.created) {
          if (early.upstream !== undefined) yield* early.upstream.close
          const running = turns.get(visitorMessage.id)
          const log = running?.log ?? (yield* storedTurn(conversation, visitorMessage))
          return turnOf(conversation, visitorMessage, true, log)
        }

        const log = yield* makeTurnLog
        const emit = publisher(conversation, log)
        const running: RunningTurn = {
          shopId: conversation.shopId,
          visitorId: conversation.visitorId,
          conversationId: conversation.id,
          log,
          fiber: Option.none(),
          finishedAt: Option.none()
        }
        turns.set(visitorMessage.id, running)
        const markFinished = Clock.currentTimeMillis.pipe(Effect.map((now) => {
          if (Option.isSome(running.finishedAt)) return
          running.finishedAt = Option.some(now)
          // A finished fiber holds its context and fiber refs: kept for the retention window, thousands add up.
          running.fiber = Option.none()
          finished.push({ id: visitorMessage.id, at: now })
      }))

      if (reopened) yield* hub.publish(conversation.shopId, conversation.id, new StatusChanged({ conversationId: conversation.id, status: "bot" }, true))
      yield* hub.publish(conversation.shopId, conversation.id, new MessageStored({ message: visitorMessage }, true))

      if (Option.isNone(appended.reply)) {
        if (early.upstream !== undefined) yield* early.upstream.close
        yield* emit(new Started({ conversationId: conversation.id, messageId: visitorMessage.id, replyId: Option.none(), locale, botId: conversation.botId }, true))
        yield* emit(new Done({ conversationId: conversation.id, replyId: Option.none(), status: "handed-off" }, true))
        yield* markFinished
      } else {
        const reply = appended.reply.value
        yield* emit(new Started({ conversationId: conversation.id, messageId: visitorMessage.id, replyId: Option.some(reply.id), locale, botId: conversation.botId }, true))
        const turnInput = { conversation, text, locale, context: { ...req.context }, emit }
        // Stopped before the turn ran (e.g. while waiting for the conversation's lock): the placeholder ends interrupted.
        const interruptedBeforeTurn = Effect.suspend(() => log.isDone()
          ? Effect.void
          : store.finishReply(reply.id, { text: "", status: "interrupted", functionCalls: [], products: [], suggestions: [] }).pipe(
            Effect.ignoreLogged,
            Effect.zipRight(emit(new Done({ conversationId: conversation.id, replyId: Option.some(reply.id), status: "interrupted" }, true)))
          ))
        const prestarted = early.upstream
        // A call started early (a first message) is read from its queue; any other turn calls the bot
        // from its own fiber, with no second fiber and queue between the bot and the reply.
        const turn = runBotTurn({ ...turnInput, reply, upstream: prestarted?.events })
        const produce = (prestarted === undefined ? turn : Effect.ensuring(turn, prestarted.close)).pipe(
          locks.withLock(conversation.id),
          Effect.onInterrupt(() => interruptedBeforeTurn),
          Effect.provide(turnServices),
          Effect.ensuring(markFinished),
          Effect.annotateLogs({ conversationId: conversation.id, shopId: conversation.shopId })
        )
        // Forked and recorded in one step (the reply runs interruptibly), so that `cancelConversation` always finds it.
        yield* Effect.uninterruptible(Effect.map(FiberSet.run(fibers, Effect.interruptible(produce)), (fiber) => {
          early.upstream = undefined
          if (Option.isNone(running.finishedAt)) running.fiber = Option.some(fiber)
        }))
      }
      return turnOf(conversation, visitorMessage, false, log)
      }))
    })

    /** Follows a turn still in memory, for the visitor who sent it (SSE `Last-Event-ID` resumption). */
    const follow = (shopId: ShopId, visitorId: VisitorId, visitorMessageId: MessageId, from: number) =>
      Option.fromNullable(turns.get(visitorMessageId)).pipe(
        Option.filter((turn) => turn.shopId === shopId && turn.visitorId === visitorId),
        Option.map((turn) => turn.log.follow(from))
      )

    /** Stops the bot's reply in a conversation (the visitor cancels, or an agent takes over). */
    const cancelConversation = (conversationId: ConversationId) =>
      Effect.forEach(
        Array.from(turns.values()).filter((turn) => turn.conversationId === conversationId && !turn.log.isDone()),
        (turn) => Option.match(turn.fiber, { onNone: () => Effect.void, onSome: Fiber.interrupt }),
        { discard: true }
      )

    /** The number of replies being produced right now. */
    const activeTurns = Effect.sync(() => Array.from(turns.values()).filter((turn) => !turn.log.isDone()).length)

    /** Waits until no reply is being produced (graceful shutdown); bound it with a timeout. */
    const awaitIdle = FiberSet.awaitEmpty(fibers)

    /**
     * A visitor is about to write (typing, opening the chat): the bot platform gets ready for the
     * visitor's message (`BotGateway.prepare`, e.g. a cold connection opened again, the visitor's
     * access token fetched) in the background.
     */
    const prepare = (visitorId: VisitorId) => Effect.asVoid(Effect.forkIn(gateway.prepare(visitorId), scope))

    return { send, follow, cancelConversation, activeTurns, awaitIdle, prepare } as const
  })
}) {}
