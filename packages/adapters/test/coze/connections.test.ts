import { BotGateway, Ids } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { type AddressInfo, connect, createServer, type Socket } from "node:net"
import { collect, gatewayLayer, patOptions, turn, useSimulator } from "./support.js"

const sim = useSimulator()

const visitor = Ids.VisitorId.make("visitor-1")

const healthChecks = () => sim().stats.requests.filter((r) => r.method === "GET" && r.path === "/health").length

/**
 * A TCP relay in front of the simulator that counts the connections made to it and can drop every
 * open one, as a proxy does with idle connections (undici's pool then holds none). A chunked body's
 * terminator reaches the client 30 ms after the rest.
 */
const countingRelay = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly connections: () => number; readonly dropAll: () => void; readonly close: () => void }>((resume) => {
    const upstream = new URL(sim().url)
    const open = new Set<Socket>()
    let connections = 0
    const server = createServer((client) => {
      connections++
      const out = connect(Number(upstream.port), upstream.hostname)
      open.add(client).add(out)
      client.pipe(out)
      // The chunked body's terminator a moment after the rest, as over a network (the sim's comes in the same read).
      out.on("data", (chunk: Buffer) => {
        const end = chunk.lastIndexOf("0\r\n\r\n")
        if (end <= 0 || end !== chunk.length - 5) return void client.write(chunk)
        client.write(chunk.subarray(0, end))
        setTimeout(() => { if (!client.destroyed) client.write(chunk.subarray(end)) }, 30)
      })
      const drop = () => { client.destroy(); out.destroy(); open.delete(client); open.delete(out) }
      client.on("error", drop).on("close", drop)
      out.on("error", drop).on("close", drop)
    })
    server.listen(0, "127.0.0.1", () =>
      resume(Effect.succeed({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        connections: () => connections,
        dropAll: () => { for (const s of open) s.destroy() },
        close: () => { for (const s of open) s.destroy(); server.close() }
      })))
  }),
  (relay) => Effect.sync(() => relay.close())
)

describe("Coze gateway: its connections (kept in the pool after a chat, warmed before a visitor's message)", () => {
  it.live("sends one GET /health when nothing went to Coze for warmAfter, none while it is warm", () =>
    Effect.gen(function*() {
      const gateway = yield* BotGateway
      const before = healthChecks()
      yield* gateway.prepare(visitor)
      expect(healthChecks()).toBe(before + 1)
      // Warm now: a second visitor typing right after sends nothing.
      yield* gateway.prepare(visitor)
      expect(healthChecks()).toBe(before + 1)
      yield* Effect.sleep(Duration.millis(250))
      // A chat keeps it warm as well: prepare right after one sends nothing.
      yield* collect(turn(sim().bots.plain, "Hello"))
      yield* gateway.prepare(visitor)
      expect(healthChecks()).toBe(before + 1)
      yield* Effect.sleep(Duration.millis(250))
      yield* gateway.prepare(visitor)
      expect(healthChecks()).toBe(before + 2)
    }).pipe(Effect.provide(gatewayLayer(patOptions(sim(), { warmAfter: "200 millis" })))))

  it.live("never fails, even when Coze cannot be reached", () =>
    Effect.gen(function*() {
      const gateway = yield* BotGateway
      yield* gateway.prepare(visitor)
    }).pipe(Effect.provide(gatewayLayer(patOptions(sim(), { baseUrl: "http://127.0.0.1:9", requestTimeout: "2 seconds" })))))

  it.live("a streamed chat leaves its connection in the pool: three chats in a row open one connection", () =>
    Effect.gen(function*() {
      const relay = yield* countingRelay
      yield* Effect.gen(function*() {
        for (const text of ["Hello", "Do you ship to Berlin?", "Thanks"]) {
          const events = yield* collect(turn(sim().bots.plain, text))
          expect(events.at(-1)?._tag).toBe("TurnCompleted")
          // The connection is back in the pool a moment after the body's end is read.
          yield* Effect.sleep(Duration.millis(20))
        }
        expect(relay.connections()).toBe(1)
      }).pipe(Effect.provide(gatewayLayer(patOptions(sim(), { baseUrl: relay.url }))))
    }).pipe(Effect.scoped))

  it.live("the message after prepare goes over the connection prepare opened; without it, over a new one", () =>
    Effect.gen(function*() {
      const relay = yield* countingRelay
      yield* Effect.gen(function*() {
        const gateway = yield* BotGateway
        // Without prepare: the pool is empty (the proxy dropped its idle connection), the message opens one.
        yield* collect(turn(sim().bots.plain, "Hello"))
        relay.dropAll()
        yield* Effect.sleep(Duration.millis(300))
        const cold = relay.connections()
        yield* collect(turn(sim().bots.plain, "Hello again"))
        expect(relay.connections()).toBe(cold + 1)
        // With prepare: it opens the connection, and the message that follows opens none.
        relay.dropAll()
        yield* Effect.sleep(Duration.millis(300))
        const warmed = relay.connections()
        yield* gateway.prepare(visitor)
        expect(relay.connections()).toBe(warmed + 1)
        // The connection is back in the pool a moment after the answer's body is read (a visitor types for seconds).
        yield* Effect.sleep(Duration.millis(20))
        yield* collect(turn(sim().bots.plain, "And once more"))
        expect(relay.connections()).toBe(warmed + 1)
      }).pipe(Effect.provide(gatewayLayer(patOptions(sim(), { baseUrl: relay.url, warmAfter: "200 millis" }))))
    }).pipe(Effect.scoped))
})
