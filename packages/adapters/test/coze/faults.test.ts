import type { CozeSimulator } from "@chatbot-node/coze-sim"
import { type BotEvent, BotGateway, Errors } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { CozeOptions } from "../../src/coze/CozeConfig.js"
import { capturingLogger, collect, deltaText, gatewayLayer, jwtOptions, patOptions, tags, turn, useSimulator } from "./support.js"

const sim = useSimulator()

/** Counters before a case, and what changed after. */
const since = (s: CozeSimulator) => {
  const chats = s.stats.chats
  const cancels = s.stats.cancels
  const requests = s.stats.requests.length
  return () => ({
    chats: s.stats.chats - chats,
    cancels: s.stats.cancels - cancels,
    statuses: s.stats.requests.slice(requests).filter((r) => r.path === "/v3/chat").map((r) => r.status)
  })
}

const withGateway = (overrides: Partial<CozeOptions> = {}) => <A, E>(effect: Effect.Effect<A, E, BotGateway>) =>
  Effect.provide(effect, gatewayLayer(patOptions(sim(), overrides)))

const completes = (events: ReadonlyArray<BotEvent.BotEvent>) => expect(tags(events).at(-1)).toBe("TurnCompleted")

describe("Coze gateway under injected faults: a typed error or a clean retry", () => {
  it.live("HTTP 502 before the stream: retried, then completes", () =>
    Effect.gen(function*() {
      const delta = since(sim())
      sim().fault({ kind: "http", status: 502 })
      completes(yield* collect(turn(sim().bots.plain, "hi")))
      expect(delta().statuses).toEqual([502, 200])
    }).pipe(withGateway()))

  it.live("HTTP 500 / 503 that persists: typed `unavailable` after three attempts", () =>
    Effect.gen(function*() {
      const delta = since(sim())
      sim().fault({ kind: "http", status: 503, count: 10 })
      const error = yield* Effect.flip(collect(turn(sim().bots.plain, "hi")))
      sim().clearFaults()
      expect(error).toMatchObject({ _tag: "BotGatewayError", reason: "unavailable" })
      expect(error.logId).toBeTruthy()
      expect(delta().statuses).toEqual([503, 503, 503])
      expect(delta().chats).toBe(0)
    }).pipe(withGateway()))

  it.live("a slow first byte within the first-event timeout is fine", () =>
    Effect.gen(function*() {
      sim().fault({ kind: "delayFirstByte", ms: 200 })
      completes(yield* collect(turn(sim().bots.plain, "hi")))
    }).pipe(withGateway({ firstEventTimeout: "3 seconds" })))

  it.live("no first event in time: typed `timeout`, not retried", () =>
    Effect.gen(function*() {
      const requests = sim().stats.requests.length
      sim().fault({ kind: "delayFirstByte", ms: 1500 })
      const error = yield* Effect.flip(collect(turn(sim().bots.plain, "hi")))
      expect(error).toMatchObject({ reason: "timeout" })
      expect(error.message).toContain("no event within")
      expect(sim().stats.requests.slice(requests).filter((r) => r.path === "/v3/chat")).toHaveLength(0)
    }).pipe(withGateway({ firstEventTimeout: "300 millis" })))

  it.live("a stream that goes silent: typed `timeout`, and the upstream chat is cancelled", () =>
    Effect.gen(function*() {
      const delta = since(sim())
      sim().fault({ kind: "slowTokens", msPerToken: 1500 })
      const error = yield* Effect.flip(collect(turn(sim().bots.plain, "hi")))
      expect(error).toMatchObject({ reason: "timeout" })
      expect(error.message).toContain("silent")
      expect(delta().chats).toBe(1)
      expect(delta().cancels).toBe(1)
    }).pipe(withGateway({ idleTimeout: "300 millis" })))

  it.live("a JSON error where SSE was asked (4013 model error): retried once, then completes", () =>
    Effect.gen(function*() {
      const delta = since(sim())
      sim().fault({ kind: "jsonErrorOnStream", code: 4013, msg: "model service error" })
      completes(yield* collect(turn(sim().bots.plain, "hi")))
      expect(delta().chats).toBe(1)
      expect(delta().statuses).toEqual([200, 200])
    }).pipe(withGateway()))

  it.live("4013 twice: typed `model`, with code and log id", () =>
    Effect.gen(function*() {
      sim().fault({ kind: "jsonErrorOnStream", code: 4013, msg: "model service error", count: 2 })
      const error = yield* Effect.flip(collect(turn(sim().bots.plain, "hi")))
      expect(error).toMatchObject({ reason: "model", code: 4013 })
      expect(error.logId).toMatch(/^\w+$/)
    }).pipe(withGateway()))

  it.live("4100 on the stream with OAuth: the token is refreshed once and the turn completes", () =>
    Effect.gen(function*() {
      yield* collect(turn(sim().bots.plain, "warm up"))
      const exchanges = sim().stats.tokenExchanges
      sim().fault({ kind: "jsonErrorOnStream", code: 4100, msg: "authentication is invalid" })
      completes(yield* collect(turn(sim().bots.plain, "hi")))
      expect(sim().stats.tokenExchanges).toBe(exchanges + 1)
    }).pipe(Effect.provide(gatewayLayer(jwtOptions(sim())))))

  it.live("4016 busy: typed `busy`, not retried", () =>
    Effect.gen(function*() {
      const delta = since(sim())
      sim().fault({ kind: "busy" })
      const error = yield* Effect.flip(collect(turn(sim().bots.plain, "hi")))
      expect(error).toMatchObject({ reason: "busy", code: 4016 })
      expect(delta().statuses).toHaveLength(1)
    }).pipe(withGateway()))

  it.live("4009 throttled: retried with backoff, then completes", () =>
    Effect.gen(function*() {
      const delta = since(sim())
      sim().fault({ kind: "throttled" })
      completes(yield* collect(turn(sim().bots.plain, "hi")))
      expect(delta().statuses).toEqual([200, 200])
    }).pipe(withGateway()))

  it.live("HTTP 429 with Retry-After: waited out, then completes", () =>
    Effect.gen(function*() {
      const delta = since(sim())
      sim().fault({ kind: "throttled", retryAfterSeconds: 1 })
      completes(yield* collect(turn(sim().bots.plain, "hi")))
      expect(delta().statuses).toEqual([429, 200])
    }).pipe(withGateway()))

  it.live("Retry-After longer than the adapter waits: typed `throttled` carrying retryAfterMs", () =>
    Effect.gen(function*() {
      sim().fault({ kind: "throttled", retryAfterSeconds: 30 })
      const error = yield* Effect.flip(collect(turn(sim().bots.plain, "hi")))
      expect(error).toMatchObject({ reason: "throttled", code: 4009, retryAfterMs: 30_000 })
    }).pipe(withGateway({ maxRetryAfter: "5 seconds" })))

  it.live("malformed SSE before any text: the chat is cancelled and the turn retried cleanly", () =>
    Effect.gen(function*() {
      const delta = since(sim())
      sim().fault({ kind: "malformedSse" })
      const events = yield* collect(turn(sim().bots.plain, "hi"))
      completes(events)
      expect(delta().chats).toBe(2)
      expect(delta().cancels).toBe(1)
      const completed = events.filter((e) => e._tag === "AnswerCompleted")
      expect(completed).toHaveLength(1)
      expect(deltaText(events)).toBe(completed[0]!.text)
    }).pipe(withGateway()))

  it.live("connection dropped before any text: retried cleanly", () =>
    Effect.gen(function*() {
      const delta = since(sim())
      sim().fault({ kind: "dropMidStream", afterEvents: 1 })
      const events = yield* collect(turn(sim().bots.plain, "hi"))
      completes(events)
      expect(delta().chats).toBe(2)
      expect(tags(events).filter((t) => t === "TurnStarted")).toHaveLength(2)
    }).pipe(withGateway()))

  it.live("connection dropped after text: typed `unavailable`, never retried", () =>
    Effect.gen(function*() {
      const delta = since(sim())
      sim().fault({ kind: "dropMidStream", afterEvents: 4 })
      const error = yield* Effect.flip(collect(turn(sim().bots.plain, "a longer question for more deltas")))
      expect(error).toMatchObject({ reason: "unavailable" })
      expect(delta().chats).toBe(1)
    }).pipe(withGateway()))

  it.live("chat.failed (4013) before any text: retried once, then completes", () =>
    Effect.gen(function*() {
      const delta = since(sim())
      sim().fault({ kind: "chatFailed", code: 4013, msg: "model error", afterDeltas: 0 })
      completes(yield* collect(turn(sim().bots.plain, "hi")))
      expect(delta().chats).toBe(2)
    }).pipe(withGateway()))

  it.live("chat.failed after text: typed `model`, never retried", () =>
    Effect.gen(function*() {
      const delta = since(sim())
      sim().fault({ kind: "chatFailed", code: 4013, msg: "model error", afterDeltas: 2 })
      const error = yield* Effect.flip(collect(turn(sim().bots.plain, "a longer question for more deltas")))
      expect(error).toMatchObject({ reason: "model", code: 4013 })
      expect(delta().chats).toBe(1)
    }).pipe(withGateway()))

  it.live("an `error` event after text: typed by its code, never retried", () =>
    Effect.gen(function*() {
      const delta = since(sim())
      sim().fault({ kind: "errorEvent", code: 5000, msg: "internal error", afterDeltas: 2 })
      const error = yield* Effect.flip(collect(turn(sim().bots.plain, "a longer question for more deltas")))
      expect(error).toMatchObject({ reason: "unavailable", code: 5000 })
      expect(delta().chats).toBe(1)
    }).pipe(withGateway()))

  it.live("an `error` event with an unknown code: typed `unknown` with the code", () =>
    Effect.gen(function*() {
      sim().fault({ kind: "errorEvent", code: 700012006, msg: "access token invalid", afterDeltas: 0 })
      const error = yield* Effect.flip(collect(turn(sim().bots.plain, "hi")))
      expect(error).toMatchObject({ reason: "unknown", code: 700012006 })
    }).pipe(withGateway()))

  it.live("the caller's own failure ends the call as it is: not retried, not logged as Coze's, the chat cancelled", () =>
    Effect.gen(function*() {
      const gateway = yield* BotGateway
      const logger = yield* capturingLogger
      const delta = since(sim())
      sim().pace({ firstTokenMs: 300, tokensPerSecond: 50 })
      // A failure Coze's own kind would be retried: the caller's must not be, even before any text.
      const refused = new Errors.BotGatewayError({ reason: "unavailable", message: "the caller gave up" })
      const error = yield* Effect.flip(gateway.run(turn(sim().bots.plain, "hi"), (events) =>
        events.some((e) => e._tag === "TurnStarted") ? Effect.fail(refused) : Effect.void).pipe(
          Effect.provide(logger.layer),
          Effect.ensuring(Effect.sync(() => sim().pace(undefined)))
        ))
      expect(error).toBe(refused)
      expect(delta().chats).toBe(1)
      expect(delta().statuses).toEqual([200])
      expect(delta().cancels).toBe(1)
      expect((yield* logger.lines).filter((l) => l.includes("Coze request"))).toEqual([])
    }).pipe(withGateway()))
})
