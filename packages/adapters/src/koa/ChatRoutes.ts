import { Chat, ChatEvent, Ids, Message, type ChatErrors, type ShopDirectory } from "@chatbot-node/domain"
import type Router from "@koa/router"
import { Chunk, Duration, Effect, Option, Schema, Stream } from "effect"
import type Koa from "koa"
import * as EncodedEvents from "../socketio/EncodedEvents.js"
import * as KeepOpen from "../sse/KeepOpen.js"
import * as SseFrame from "../sse/SseFrame.js"
import { ApiError, statusOf } from "./ApiError.js"
import { bodyLocale, ChatBody, conversationIdOf, decodeBody, ResumeBody } from "./ChatBody.js"
import { refuse, requestLocale, type Handler } from "./Handler.js"
import { admitHere, admitShared, type RateLimiter } from "./RateLimiter.js"
import { readJson } from "./RequestBody.js"
import type { OriginPolicy } from "./OriginPolicy.js"
import { identify } from "./VisitorIdentity.js"
import type { VisitorTokens } from "./VisitorTokens.js"

/** What the chat routes need from the application. */
export type ChatRoutesR = Chat | ShopDirectory | VisitorTokens | RateLimiter | OriginPolicy

/** Limits of the chat routes. */
export interface ChatRouteOptions {
  readonly bodyLimitBytes: number
  /** Between heartbeat comments on an idle stream; 15 s by default. */
  readonly heartbeat?: Duration.DurationInput | undefined
}

const encodeMessage = Schema.encodeSync(Message.Message)

const sendFrom = (ctx: Koa.Context, options: ChatRouteOptions) =>
  Effect.gen(function*() {
    ctx.state.locale = undefined
    // The IP is charged before the body is read, the visitor once known: this process's counts refuse
    // at once; the shared counts (Redis, PostgreSQL: one statement) start together, awaited by the chat before
    // anything is stored, while the bot is already being asked, so they are not on the way to the first token.
    // A request refused before its visitor is known (bad body, no identity) is counted by this process only.
    const ipAction = { _tag: "messageFromIp", ip: ctx.ip } as const
    const headerLocale = requestLocale(ctx)
    yield* admitHere(ctx, ipAction, headerLocale)
    const raw = yield* readJson(ctx.req, { limit: options.bodyLimitBytes, locale: headerLocale })
    ctx.state.locale = Option.getOrUndefined(bodyLocale(raw))
    const locale = requestLocale(ctx)
    const body = yield* decodeBody(ChatBody, raw, locale)
    const visitor = yield* identify(ctx, { shopId: body.shopId, userId: body.userId }, locale)
    const visitorAction = { _tag: "message", ip: ctx.ip, shopId: visitor.shopId, visitorId: visitor.visitorId } as const
    yield* admitHere(ctx, visitorAction, locale)
    const admission = yield* admitShared(ctx, [ipAction, visitorAction], locale)
    const chat = yield* Chat
    return yield* chat.send({
      shopId: visitor.shopId,
      visitorId: visitor.visitorId,
      text: body.message,
      clientMessageId: body.clientMessageId,
      conversationId: yield* conversationIdOf(body.conversationId),
      botId: body.botId,
      locale: ctx.state.locale,
      context: body.context,
      admission
    })
  })

/** `POST /api/coze/chat`: the whole reply as JSON (text, ids, function calls, product cards, suggestions). */
export const chatJson = (options: ChatRouteOptions): Handler<ChatRoutesR> => (ctx) =>
  Effect.gen(function*() {
    const turn = yield* sendFrom(ctx, options)
    const events: Array<ChatEvent.ChatEvent> = []
    yield* turn.forEachEvent((_, event) => Effect.sync(() => { events.push(event) }))
    const started = events.find((e): e is ChatEvent.Started => e._tag === "started")
    const replyId = started === undefined ? Option.none() : started.replyId
    const reply = events.flatMap((e) => (e._tag === "message" && Option.contains(replyId, e.message.id) ? [e.message] : [])).at(-1)
    const done = events.find((e): e is ChatEvent.Done => e._tag === "done")
    const error = events.find((e): e is ChatEvent.ErrorEvent => e._tag === "error")
    const encoded = reply === undefined ? undefined : encodeMessage(reply)
    ctx.status = error === undefined ? 200 : statusOf(error.code)
    ctx.body = {
      conversationId: turn.conversation.id,
      messageId: turn.visitorMessage.id,
      replyId: Option.getOrNull(replyId),
      botId: turn.conversation.botId,
      locale: started?.locale ?? turn.conversation.locale,
      status: done?.status ?? "interrupted",
      duplicate: turn.duplicate,
      reply: reply?.text ?? "",
      functionCalls: encoded?.functionCalls ?? [],
      products: encoded?.products ?? [],
      suggestions: encoded?.suggestions ?? [],
      ...(error === undefined ? {} : { error: { code: error.code, message: error.message } })
    }
  })

const json = new WeakMap<ChatEvent.ChatEvent, string>()
const jsonOf = (event: ChatEvent.ChatEvent) => {
  let text = json.get(event)
  if (text === undefined) {
    text = JSON.stringify(EncodedEvents.chatEvent(event))
    json.set(event, text)
  }
  return text
}

/** Parses `Last-Event-ID: <visitorMessageId>:<position>`. */
const parseLastEventId = (header: string) => {
  const match = /^([A-Za-z0-9_-]{22}):(\d{1,9})$/.exec(header.trim())
  return match === null ? Option.none() : Option.some({ messageId: match[1]!, position: Number(match[2]) })
}

/** How a reply's events reach the writer: every event ready at once in one call, each with its position; ends after the last. */
type Batches = (write: (batch: ReadonlyArray<readonly [number, ChatEvent.ChatEvent]>) => void) => Effect.Effect<void>

const writeStream = (ctx: Koa.Context, messageId: string, batches: Batches, heartbeat: Duration.DurationInput) =>
  Effect.gen(function*() {
    ctx.respond = false
    const res = ctx.res
    res.writeHead(200, SseFrame.headers)
    ctx.req.socket.setNoDelay(true)
    res.write("retry: 2000\n\n")
    // A plain timer for the heartbeat rather than a merged tick stream: no fibers or queue between the reply and the socket.
    const stopBeating = KeepOpen.heartbeat(res, Duration.toMillis(Duration.decode(heartbeat)))
    // Every event that is ready goes out as one write; each event's JSON is made once for all its readers.
    yield* batches((batch) => {
      let text = ""
      for (const [position, event] of batch) text += SseFrame.frame({ id: `${messageId}:${position}`, event: event._tag, data: jsonOf(event) })
      if (!res.writableEnded) res.write(text)
    }).pipe(Effect.ensuring(Effect.sync(stopBeating)))
    res.end()
  }).pipe(Effect.onInterrupt(() => Effect.sync(() => ctx.res.end())))

/**
 * `POST /api/coze/chat/stream`: the reply as `text/event-stream`, an `id:` on every event
 * (`<visitorMessageId>:<position>`); with `Last-Event-ID` it resumes that turn after the position.
 */
export const chatStream = (options: ChatRouteOptions): Handler<ChatRoutesR> => (ctx) =>
  Effect.gen(function*() {
    const heartbeat = options.heartbeat ?? Duration.seconds(15)
    const lastEventId = ctx.get("last-event-id")
    if (lastEventId !== "") {
      const locale = requestLocale(ctx)
      const resume = yield* Option.match(parseLastEventId(lastEventId), {
        onNone: () => Effect.fail(refuse(400, "bad_request", "Last-Event-ID is not one this server issued")),
        onSome: Effect.succeed
      })
      const raw = yield* readJson(ctx.req, { limit: options.bodyLimitBytes, locale })
      const body = yield* decodeBody(ResumeBody, raw, locale)
      const visitor = yield* identify(ctx, { shopId: body.shopId, userId: body.userId }, locale)
      const chat = yield* Chat
      const followed = chat.follow(visitor.shopId, visitor.visitorId, Ids.MessageId.make(resume.messageId), resume.position + 1)
      if (Option.isNone(followed)) return yield* refuse(404, "not_found", "This reply can no longer be resumed; read the conversation's messages instead.")
      return yield* writeStream(ctx, resume.messageId, (write) => Stream.runForEachChunk(followed.value, (chunk) => Effect.sync(() => write(Chunk.toReadonlyArray(chunk)))), heartbeat)
    }
    const turn = yield* sendFrom(ctx, options)
    // The turn's own log, written from as the reply appends to it (no stream's run, no wake of this
    // fiber per event): this is every reply's path.
    yield* writeStream(ctx, turn.visitorMessage.id, (write) => turn.forEachBatchSync(write), heartbeat)
  })

/** Adds the seed's chat routes to a router. */
export const addChatRoutes = (router: Router, wrap: (h: Handler<ChatRoutesR>) => Koa.Middleware, options: ChatRouteOptions) => {
  router.post("/api/coze/chat", wrap(chatJson(options)))
  router.post("/api/coze/chat/stream", wrap(chatStream(options)))
  return router
}

export type { ApiError, ChatErrors }
