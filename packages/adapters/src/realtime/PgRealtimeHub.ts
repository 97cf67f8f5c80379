import { Ids, Realtime, RealtimeHub } from "@chatbot-node/domain"
import { Effect, Layer, Queue, Redacted, Schedule, Schema } from "effect"
import pg from "pg"
import * as MemoryRealtimeHub from "../memory/MemoryRealtimeHub.js"
import { mergeDeltas, type Outgoing } from "./MergeDeltas.js"
import * as NotifyChunks from "./NotifyChunks.js"

/** Where the hub's instances meet. */
export interface PgRealtimeHubOptions {
  readonly url: string | Redacted.Redacted
  /** The NOTIFY channel every instance listens on. */
  readonly channel?: string | undefined
}

const decodeEvent = Schema.decodeUnknownEither(Schema.parseJson(Realtime.ConversationEvent))
const encodeEvent = Schema.encodeSync(Schema.parseJson(Realtime.ConversationEvent))

/**
 * A RealtimeHub shared by several server instances over PostgreSQL LISTEN/NOTIFY: events are
 * delivered at once to this instance's subscribers and sent, in order and in batches (a reply's deltas in one batch merged), to the
 * others (chunked past NOTIFY's 8000 bytes). Best effort, like every hub: the store is the record.
 */
export const make = (options: PgRealtimeHubOptions) =>
  Effect.gen(function*() {
    const url = typeof options.url === "string" ? options.url : Redacted.value(options.url)
    const channel = options.channel ?? "chatbot_realtime"
    const sender = Ids.randomToken()
    const local = yield* MemoryRealtimeHub.make
    const outbox = yield* Queue.unbounded<Outgoing>()
    const pool = yield* Effect.acquireRelease(
      Effect.sync(() => new pg.Pool({ connectionString: url, max: 2, application_name: "chatbot-node-realtime" })),
      // pool.end() waits for clients still checked out (a LISTEN client mid-reconnect): bounded, and
      // made interruptible, since a finalizer is not and a timeout could not end it otherwise.
      (p) => Effect.promise(() => p.end().catch(() => undefined)).pipe(Effect.interruptible, Effect.timeout("2 seconds"), Effect.ignore)
    )
    pool.on("error", () => undefined)
    // A client checked out of the pool (e.g. a LISTEN connection) has no error listener of the pool's
    // any more: give every client one, or a dropped database connection crashes the process.
    pool.on("connect", (client) => client.on("error", () => undefined))
    const assembler = NotifyChunks.makeAssembler()
    let counter = 0

    const own = `${sender}|`
    const receive = (payload: string) => {
      // Every instance hears its own NOTIFYs too: drop those before any parsing.
      if (payload.startsWith(own)) return
      const whole = assembler.push(payload, Date.now())
      if (whole === undefined || whole.sender === sender) return
      const decoded = decodeEvent(whole.text)
      if (decoded._tag === "Left") return
      const e = decoded.right
      Effect.runFork(local.publish(e.shopId, e.conversationId, e.event))
    }

    /** One LISTEN connection; fails when it breaks, so that the retry below opens another. */
    const listening = yield* Effect.makeLatch(false)
    const listenOnce = Effect.acquireUseRelease(
      Effect.tryPromise(async () => {
        const client = new pg.Client({ connectionString: url, application_name: "chatbot-node-listen" })
        // Every error is handled (a pg client emits "error" more than once when a connection dies;
        // an unhandled one would crash the process); the use phase below turns it into a retry.
        client.on("error", () => undefined)
        await client.connect()
        await client.query(`LISTEN ${client.escapeIdentifier(channel)}`)
        return client
      }).pipe(Effect.tap(() => listening.open)),
      (client) =>
        Effect.async<never, Error>((resume) => {
          client.on("notification", (msg) => { if (msg.channel === channel && msg.payload) receive(msg.payload) })
          const broken = (error?: Error) => resume(Effect.fail(error ?? new Error("LISTEN connection ended")))
          client.on("error", broken)
          client.on("end", () => broken())
        }),
      (client) => Effect.promise(() => client.end().catch(() => undefined))
    )
    yield* listenOnce.pipe(
      Effect.tapError((e) => Effect.logWarning("realtime LISTEN connection lost; reconnecting", e)),
      Effect.retry(Schedule.spaced("1 second")),
      Effect.forkScoped
    )
    // The LISTEN is in place before the hub is handed out (or, with the database down, 10 s went by).
    yield* listening.await.pipe(Effect.timeout("10 seconds"), Effect.ignore)

    const send = Effect.gen(function*() {
      const batch = yield* Queue.takeBetween(outbox, 1, 256)
      const payloads = mergeDeltas(batch).flatMap(({ conversationId, event, shopId }) =>
        NotifyChunks.split(sender, (counter++).toString(36), encodeEvent(new Realtime.ConversationEvent({ shopId, conversationId, event }, true)))
      )
      yield* Effect.tryPromise(() => pool.query("select pg_notify($1, p) from unnest($2::text[]) with ordinality as t(p, n) order by n", [channel, payloads])).pipe(
        Effect.catchAll((e) => Effect.logWarning("realtime NOTIFY failed", e))
      )
    })
    yield* send.pipe(Effect.forever, Effect.forkScoped)

    return RealtimeHub.of({
      publish: (shopId, conversationId, event) =>
        Effect.zipRight(
          local.publish(shopId, conversationId, event),
          Queue.offer(outbox, { shopId, conversationId, event }),
          { concurrent: false }
        ).pipe(Effect.asVoid),
      subscribeConversation: local.subscribeConversation,
      subscribeShop: local.subscribeShop
    })
  })

/** The PostgreSQL hub as a layer (a pool of two connections plus one listening connection). */
export const layer = (options: PgRealtimeHubOptions): Layer.Layer<RealtimeHub> => Layer.scoped(RealtimeHub, make(options))
