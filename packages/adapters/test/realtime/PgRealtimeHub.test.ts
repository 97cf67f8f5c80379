import { PgRealtimeHub } from "@chatbot-node/adapters/realtime"
import { ChatEvent, Ids, Realtime, type RealtimeHub, HubFeed } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Option, Schedule, Schema, Scope, Stream } from "effect"
import pg from "pg"
import * as HubPeers from "../../src/realtime/HubPeers.js"
import * as NotifyChunks from "../../src/realtime/NotifyChunks.js"
import { freshDatabase, testDatabaseUrl } from "../support/database.js"
import { crossInstance } from "./HubContract.js"

const channel = "hub_test"
const shopId = Ids.ShopId.make("shop-presence")
const conversationId = Ids.ConversationId.make("CCCCCCCCCCCCCCCCCCCCCC")
const replyId = Ids.MessageId.make("DDDDDDDDDDDDDDDDDDDDDD")
const delta = (text: string) => new ChatEvent.Delta({ replyId, text })

/** A plain `pg` client on the channel: records every payload, and NOTIFYs as a fake instance would. */
const rawClient = (url: string) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const client = new pg.Client({ connectionString: url })
      client.on("error", () => undefined)
      await client.connect()
      const seen: Array<string> = []
      client.on("notification", (msg) => { if (msg.payload) seen.push(msg.payload) })
      await client.query(`LISTEN ${channel}`)
      return { client, seen }
    }),
    ({ client }) => Effect.promise(() => client.end().catch(() => undefined))
  ).pipe(Effect.map(({ client, seen }) => ({
    client,
    seen,
    /** The index of the first payload at or after `from` that satisfies `ok`, once there is one. */
    await: (ok: (payload: string) => boolean, from = 0) =>
      Effect.suspend(() => {
        const i = seen.findIndex((p, i) => i >= from && ok(p))
        return i >= 0 ? Effect.succeed(i) : Effect.fail("not yet" as const)
      }).pipe(Effect.retry(Schedule.spaced("10 millis")), Effect.timeout("10 seconds"), Effect.orDie),
    notify: (payload: string) => Effect.promise(() => client.query("select pg_notify($1, $2)", [channel, payload])),
    events: () => seen.filter((p) => !HubPeers.isPresence(p))
  })))

const presence = (kind: HubPeers.Kind, sender?: string) => (payload: string) => {
  const p = HubPeers.parse(payload)
  return p !== undefined && p.kind === kind && (sender === undefined || p.sender === sender)
}

/** Publishes `text#1`, `text#2`, ... on `hub` until the raw client sees one sent (they are dropped while the hub is alone). */
const publishUntilSent = (hub: RealtimeHub.Service, raw: Effect.Effect.Success<ReturnType<typeof rawClient>>, text: string) =>
  Effect.gen(function*() {
    for (let i = 1; ; i++) {
      yield* hub.publish(shopId, conversationId, delta(`${text}#${i}`))
      const sent = yield* raw.await((p) => !HubPeers.isPresence(p) && p.includes(`${text}#`)).pipe(Effect.timeout("300 millis"), Effect.option)
      if (Option.isSome(sent)) return
    }
  })

const encodeEvent = Schema.encodeSync(Schema.parseJson(Realtime.ConversationEvent))

describe.skipIf(testDatabaseUrl === undefined)("PgRealtimeHub on PostgreSQL (TEST_DATABASE_URL)", () => {
  it.scopedLive("sends no event while no other instance listens, only its presence", () =>
    Effect.gen(function*() {
      const db = yield* freshDatabase(testDatabaseUrl!)
      const raw = yield* rawClient(db.url)
      const a = yield* PgRealtimeHub.make({ url: db.url, channel, presenceInterval: "1 minute" })
      const hello = yield* raw.await(presence("hello"))
      const aId = HubPeers.parse(raw.seen[hello]!)!.sender
      yield* a.publish(shopId, conversationId, delta("while alone"))
      // Now the raw client says hello as another instance would: a answers, and sends what it publishes next.
      const from = raw.seen.length
      yield* raw.notify(HubPeers.format("hello", "fake-peer"))
      yield* raw.await(presence("here", aId), from)
      yield* a.publish(shopId, conversationId, delta("with a peer"))
      yield* raw.await((p) => !HubPeers.isPresence(p) && p.includes("with a peer"))
      // Sent in order: "while alone", had it been sent, would have come first.
      expect(raw.events()).toHaveLength(1)
      expect(raw.events().some((p) => p.includes("while alone"))).toBe(false)
      // A LISTEN connection that broke and came back says hello again, so that the others answer.
      const beforeDrop = raw.seen.length
      yield* Effect.promise(() => raw.client.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'chatbot-node-listen'"))
      yield* raw.await(presence("hello", aId), beforeDrop)
    }), 30_000)

  it.scopedLive("fans events out to another instance in order once it said hello, and stops when it says bye", () =>
    Effect.gen(function*() {
      const db = yield* freshDatabase(testDatabaseUrl!)
      const raw = yield* rawClient(db.url)
      const a = yield* PgRealtimeHub.make({ url: db.url, channel, presenceInterval: "1 minute" })
      const aId = HubPeers.parse(raw.seen[yield* raw.await(presence("hello"))]!)!.sender
      const bScope = yield* Scope.make()
      const b = yield* PgRealtimeHub.make({ url: db.url, channel, presenceInterval: "1 minute" }).pipe(Scope.extend(bScope))
      const bHello = yield* raw.await((p) => presence("hello")(p) && !presence("hello", aId)(p))
      const bId = HubPeers.parse(raw.seen[bHello]!)!.sender
      // a's answer to b's hello: from here on a knows b, and the very next event published on a goes out.
      yield* raw.await(presence("here", aId), bHello)
      yield* crossInstance(a, b)

      yield* Scope.close(bScope, Exit.void)
      const bye = yield* raw.await(presence("bye", bId))
      // A probe event after the bye: once a's subscriber has it, a has taken in the bye (one connection, in order).
      const onA = yield* HubFeed.stream(a.subscribeConversation, conversationId)
      const probe = encodeEvent(new Realtime.ConversationEvent({ shopId, conversationId, event: delta("probe") }))
      yield* raw.notify(NotifyChunks.split("probe", "1", probe)[0]!)
      yield* Stream.runHead(onA).pipe(Effect.timeout("10 seconds"))
      const before = raw.events().length
      yield* a.publish(shopId, conversationId, delta("after the bye"))
      yield* raw.notify(HubPeers.format("hello", "fake-peer"))
      yield* raw.await(presence("here", aId), bye)
      yield* a.publish(shopId, conversationId, delta("to the new peer"))
      yield* raw.await((p) => !HubPeers.isPresence(p) && p.includes("to the new peer"))
      expect(raw.events().slice(before).filter((p) => p.includes("after the bye"))).toEqual([])
      expect(raw.events().slice(before).filter((p) => !p.startsWith("probe|"))).toHaveLength(1)
    }), 30_000)

  it.scopedLive("stops sending to an instance that vanished without a bye once it has not been heard for 2.5 intervals", () =>
    Effect.gen(function*() {
      const db = yield* freshDatabase(testDatabaseUrl!)
      const raw = yield* rawClient(db.url)
      const a = yield* PgRealtimeHub.make({ url: db.url, channel, presenceInterval: "200 millis" })
      const aId = HubPeers.parse(raw.seen[yield* raw.await(presence("hello"))]!)!.sender
      yield* raw.notify(HubPeers.format("hello", "fake-peer"))
      yield* publishUntilSent(a, raw, "heard")
      // The fake peer says nothing more; a keeps announcing itself every interval meanwhile.
      const quiet = raw.seen.length
      yield* Effect.sleep("1 second")
      expect(raw.seen.slice(quiet).filter(presence("here", aId)).length).toBeGreaterThanOrEqual(2)
      const before = raw.events().length
      yield* a.publish(shopId, conversationId, delta("after it vanished"))
      yield* raw.notify(HubPeers.format("hello", "another-peer"))
      yield* publishUntilSent(a, raw, "to another")
      expect(raw.events().slice(before).filter((p) => p.includes("after it vanished"))).toEqual([])
    }), 30_000)
})
