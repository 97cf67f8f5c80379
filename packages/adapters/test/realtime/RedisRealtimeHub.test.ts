import { ChatEvent, Ids, type RealtimeHub, HubFeed } from "@chatbot-node/domain"
import { RedisRealtimeHub } from "@chatbot-node/adapters/realtime"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, Option, Schedule, Stream } from "effect"
import { closedPort, startRelay } from "../support/relay.js"
import { crossInstance } from "./HubContract.js"

const testRedisUrl = process.env.TEST_REDIS_URL || undefined

const shopId = Ids.ShopId.make("shop-redis-hub")
const conversationId = Ids.ConversationId.make("CCCCCCCCCCCCCCCCCCCCCC")
const delta = (text: string) => new ChatEvent.Delta({ replyId: Ids.MessageId.make("DDDDDDDDDDDDDDDDDDDDDD"), text })

/** Every log line, as `LEVEL message`. */
const capturedLogs = () => {
  const lines: Array<string> = []
  const layer = Logger.replace(Logger.defaultLogger, Logger.make(({ logLevel, message }) => {
    lines.push(`${logLevel.label} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
  }))
  return { lines, layer }
}

const eventually = (check: () => boolean) =>
  Effect.suspend(() => (check() ? Effect.void : Effect.fail("not yet"))).pipe(
    Effect.retry(Schedule.spaced("50 millis")),
    Effect.timeout("15 seconds")
  )

/**
 * The first delta of `text` that `hub` delivers for the conversation once `publisher` publishes it;
 * published again every 100 ms until one arrives (a reconnecting subscriber may miss the first).
 */
const receivedAfter = (hub: RealtimeHub.Service, publisher: RealtimeHub.Service, event: ChatEvent.Delta) =>
  Effect.scoped(Effect.gen(function*() {
    const live = yield* HubFeed.stream(hub.subscribeConversation, conversationId)
    const first = yield* Effect.fork(Stream.runHead(Stream.filter(live, (e) => e._tag === "delta" && e.text === event.text)))
    yield* publisher.publish(shopId, conversationId, event).pipe(Effect.repeat(Schedule.spaced("100 millis")), Effect.forkScoped)
    return yield* first.await.pipe(Effect.flatten, Effect.map(Option.getOrThrow), Effect.timeout("15 seconds"))
  }))

describe.skipIf(testRedisUrl === undefined)("RedisRealtimeHub on Redis (TEST_REDIS_URL)", () => {
  it.scopedLive("fans events out to another instance in order, large ones included, and to its own subscribers once", () =>
    Effect.gen(function*() {
      const channel = `hub-test-${Ids.randomToken()}`
      const a = yield* RedisRealtimeHub.make({ url: testRedisUrl!, channel })
      const b = yield* RedisRealtimeHub.make({ url: testRedisUrl!, channel })
      yield* crossInstance(a, b)
    }), 30_000)

  it.scopedLive("Redis going away: one warning per connection, this instance's subscribers still served; events cross again once it is back", () => {
    const logs = capturedLogs()
    return Effect.gen(function*() {
      const target = new URL(testRedisUrl!)
      let relay = yield* Effect.promise(() => startRelay({ host: target.hostname, port: Number(target.port || 6379) }))
      yield* Effect.addFinalizer(() => Effect.promise(() => relay.stop()))
      const viaRelay = new URL(testRedisUrl!)
      viaRelay.hostname = "127.0.0.1"
      viaRelay.port = String(relay.port)
      const channel = `hub-test-${Ids.randomToken()}`
      const a = yield* RedisRealtimeHub.make({ url: viaRelay.toString(), channel })
      const b = yield* RedisRealtimeHub.make({ url: testRedisUrl!, channel })
      expect(yield* receivedAfter(b, a, delta("before"))).toMatchObject({ text: "before" })

      yield* Effect.promise(() => relay.stop())
      const warned = (name: string) => logs.lines.filter((l) => l === `WARN redis (${name}) connection failed; reconnecting`).length
      yield* eventually(() => warned("chatbot-node-realtime-pub") > 0 && warned("chatbot-node-realtime-sub") > 0)
      // Local delivery does not depend on Redis.
      const local = delta("while away")
      expect(yield* receivedAfter(a, a, local)).toBe(local)
      // ioredis retries every 50 ms at first: several failed attempts, still one warning each.
      yield* Effect.sleep("1 second")
      expect([warned("chatbot-node-realtime-pub"), warned("chatbot-node-realtime-sub")]).toEqual([1, 1])

      relay = yield* Effect.promise(() => startRelay({ host: target.hostname, port: Number(target.port || 6379) }, relay.port))
      yield* eventually(() =>
        logs.lines.includes("INFO redis (chatbot-node-realtime-pub) connected again") &&
        logs.lines.includes("INFO redis (chatbot-node-realtime-sub) connected again")
      )
      expect(yield* receivedAfter(b, a, delta("from a, after"))).toMatchObject({ text: "from a, after" })
      expect(yield* receivedAfter(a, b, delta("from b, after"))).toMatchObject({ text: "from b, after" })
    }).pipe(Effect.provide(logs.layer))
  }, 60_000)
})

describe("RedisRealtimeHub with no Redis listening", () => {
  it.scopedLive("starts (bounded), warns, and still serves this instance's subscribers", () => {
    const logs = capturedLogs()
    return Effect.gen(function*() {
      const port = yield* Effect.promise(closedPort)
      const hub = yield* RedisRealtimeHub.make({ url: `redis://127.0.0.1:${port}`, channel: "nowhere" })
      const event = delta("alone")
      expect(yield* receivedAfter(hub, hub, event)).toBe(event)
      expect(logs.lines).toContain("WARN redis (chatbot-node-realtime-pub) connection failed; reconnecting")
      expect(logs.lines).toContain("WARN redis (chatbot-node-realtime-sub) connection failed; reconnecting")
    }).pipe(Effect.provide(logs.layer))
  }, 30_000)
})
