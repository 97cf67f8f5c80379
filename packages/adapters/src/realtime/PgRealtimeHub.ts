import { Ids, Realtime, RealtimeHub } from "@chatbot-node/domain"
import { Duration, Effect, Layer, Queue, Redacted, Schedule, Schema } from "effect"
import pg from "pg"
import * as MemoryRealtimeHub from "../memory/MemoryRealtimeHub.js"
import * as HubPeers from "./HubPeers.js"
import { mergeDeltas, type Outgoing } from "./MergeDeltas.js"
import * as NotifyChunks from "./NotifyChunks.js"

/** Where the hub's instances meet. */
export interface PgRealtimeHubOptions {
  readonly url: string | Redacted.Redacted
  /** The NOTIFY channel every instance listens on. */
  readonly channel?: string | undefined
  /**
   * How often an instance tells the others it still listens (default 10 s); one not heard from
   * for 2.5 times this counts as gone. The same on every instance.
   */
  readonly presenceInterval?: Duration.DurationInput | undefined
}

const decodeEvent = Schema.decodeUnknownEither(Schema.parseJson(Realtime.ConversationEvent))
const encodeEvent = Schema.encodeSync(Schema.parseJson(Realtime.ConversationEvent))

/**
 * A RealtimeHub shared by several server instances over PostgreSQL LISTEN/NOTIFY: events are
 * delivered at once to this instance's subscribers and sent, in order and in batches (a reply's deltas in one batch merged), to the
 * others (chunked past NOTIFY's 8000 bytes). The others are sent events only while one of them
 * listens on the channel (see HubPeers): an instance alone issues no NOTIFY per event, and events
 * published while it is alone reach its own subscribers only. Best effort, like every hub: the
 * store is the record.
 */
export const make = (options: PgRealtimeHubOptions) =>
  Effect.gen(function*() {
    const url = typeof options.url === "string" ? options.url : Redacted.value(options.url)
    const channel = options.channel ?? "chatbot_realtime"
    const sender = Ids.randomToken()
    const presenceInterval = Duration.decode(options.presenceInterval ?? "10 seconds")
    const peers = HubPeers.makePeers(Duration.toMillis(presenceInterval) * 2.5)
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

    /** Presence messages to send ("hello" on each LISTEN, "here" as an answer and periodically). */
    const presence = yield* Queue.unbounded<"hello" | "here">()
    let listeningNow = false
    let announced = false
    const notifyOne = (payload: string) => Effect.tryPromise(() => pool.query("select pg_notify($1, $2)", [channel, payload]))
    // Registered before the fibers below, so it runs after they are interrupted and before the pool ends.
    yield* Effect.addFinalizer(() =>
      announced
        ? notifyOne(HubPeers.format("bye", sender)).pipe(Effect.ignore, Effect.interruptible, Effect.timeout("1 second"), Effect.ignore)
        : Effect.void
    )

    const own = `${sender}|`
    const receive = (payload: string) => {
      if (HubPeers.isPresence(payload)) {
        const heard = HubPeers.parse(payload)
        if (heard === undefined || heard.sender === sender) return
        peers.heard(heard, Date.now())
        if (heard.kind === "hello") presence.unsafeOffer("here")
        return
      }
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
      }).pipe(
        Effect.tap(() => {
          listeningNow = true
          presence.unsafeOffer("hello")
          return listening.open
        })
      ),
      (client) =>
        Effect.async<never, Error>((resume) => {
          client.on("notification", (msg) => { if (msg.channel === channel && msg.payload) receive(msg.payload) })
          const broken = (error?: Error) => resume(Effect.fail(error ?? new Error("LISTEN connection ended")))
          client.on("error", broken)
          client.on("end", () => broken())
        }),
      (client) =>
        Effect.suspend(() => {
          listeningNow = false
          return Effect.promise(() => client.end().catch(() => undefined))
        })
    )
    yield* listenOnce.pipe(
      Effect.tapError((e) => Effect.logWarning("realtime LISTEN connection lost; reconnecting", e)),
      Effect.retry(Schedule.spaced("1 second")),
      Effect.forkScoped
    )
    // The LISTEN is in place before the hub is handed out (or, with the database down, 10 s went by).
    yield* listening.await.pipe(Effect.timeout("10 seconds"), Effect.ignore)

    const announce = Effect.gen(function*() {
      const due = [yield* Queue.take(presence), ...(yield* Queue.takeAll(presence))]
      // A hello is a here that asks for answers: one message says all that is due.
      const kind = due.includes("hello") ? "hello" : "here"
      yield* notifyOne(HubPeers.format(kind, sender)).pipe(
        Effect.tap(() => Effect.sync(() => { announced = true })),
        Effect.catchAll((e) => Effect.logWarning("realtime presence NOTIFY failed", e))
      )
    })
    yield* announce.pipe(Effect.forever, Effect.forkScoped)
    yield* Effect.sync(() => { if (listeningNow) presence.unsafeOffer("here") }).pipe(
      Effect.delay(presenceInterval),
      Effect.forever,
      Effect.forkScoped
    )

    const send = Effect.gen(function*() {
      const batch = yield* Queue.takeBetween(outbox, 1, 256)
      // No other instance listens: nothing to send (this instance's subscribers already have them).
      if (!peers.any(Date.now())) return
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
          // Alone, nothing is queued: no wake-up of the sender per event for nobody.
          Effect.sync(() => { if (peers.any(Date.now())) outbox.unsafeOffer({ shopId, conversationId, event }) })
        ),
      subscribeConversation: local.subscribeConversation,
      subscribeShop: local.subscribeShop
    })
  })

/** The PostgreSQL hub as a layer (a pool of two connections plus one listening connection). */
export const layer = (options: PgRealtimeHubOptions): Layer.Layer<RealtimeHub> => Layer.scoped(RealtimeHub, make(options))
