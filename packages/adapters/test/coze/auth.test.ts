import { BotGateway, Ids } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { phaseOf } from "../../src/coze/CozeAuth.js"
import { capturingLogger, collect, gatewayLayer, jwtOptions, patOptions, tags, turn, useSimulator } from "./support.js"

describe("an access token's phases", () => {
  const at = (lifeSeconds: number, elapsedSeconds: number) =>
    phaseOf({ value: "czs_x", issuedAtMs: 1_000_000, expiresAtMs: 1_000_000 + lifeSeconds * 1000 }, 1_000_000 + elapsedSeconds * 1000)

  it("renews a 15-minute token in its last 5 minutes and stops handing it out in its last minute", () => {
    expect([0, 599.9, 600, 839.9, 840, 900].map((s) => at(900, s))).toEqual(["fresh", "fresh", "renew", "renew", "expired", "expired"])
  })

  it("renews a short token after a quarter of its life and stops handing it out at half", () => {
    expect([2.4, 2.5, 4.9, 5].map((s) => at(10, s))).toEqual(["fresh", "renew", "renew", "expired"])
  })
})

describe("Coze gateway auth against the simulator", () => {
  const sim = useSimulator()

  it.live("PAT: chats without any token exchange", () =>
    Effect.gen(function*() {
      const before = sim().stats.tokenExchanges
      const events = yield* collect(turn(sim().bots.plain, "hi"))
      expect(tags(events).at(-1)).toBe("TurnCompleted")
      expect(sim().stats.tokenExchanges).toBe(before)
    }).pipe(Effect.provide(gatewayLayer(patOptions(sim())))))

  it.live("JWT: one exchange per visitor (session_name = visitor id), the token reused after", () =>
    Effect.gen(function*() {
      const before = sim().stats.tokenExchanges
      yield* collect(turn(sim().bots.plain, "hi", { visitorId: Ids.VisitorId.make("alice") }))
      yield* collect(turn(sim().bots.plain, "again", { visitorId: Ids.VisitorId.make("alice") }))
      expect(sim().stats.tokenExchanges).toBe(before + 1)
      yield* collect(turn(sim().bots.plain, "hi", { visitorId: Ids.VisitorId.make("bob") }))
      expect(sim().stats.tokenExchanges).toBe(before + 2)
      expect(sim().stats.sessionNames.slice(-2)).toEqual(["alice", "bob"])
    }).pipe(Effect.provide(gatewayLayer(jwtOptions(sim())))))

  it.live("JWT: 50 concurrent requests with an expired token cause exactly one exchange, and all succeed", () =>
    Effect.gen(function*() {
      yield* collect(turn(sim().bots.plain, "warm up"))
      sim().fault({ kind: "expireTokens" })
      const before = sim().stats.tokenExchanges
      const results = yield* Effect.forEach(
        Array.from({ length: 50 }, (_, i) => i),
        (i) => collect(turn(sim().bots.plain, `question ${i}`)),
        { concurrency: "unbounded" }
      )
      expect(sim().stats.tokenExchanges).toBe(before + 1)
      expect(results.every((events) => tags(events).at(-1) === "TurnCompleted")).toBe(true)
    }).pipe(Effect.provide(gatewayLayer(jwtOptions(sim())))))

  it.live("JWT: a refused key (wrong kid) is a typed auth error, never a loop", () =>
    Effect.gen(function*() {
      const before = sim().stats.requests.length
      const error = yield* Effect.flip(collect(turn(sim().bots.plain, "hi")))
      expect(error).toMatchObject({ _tag: "BotGatewayError", reason: "auth" })
      expect(sim().stats.requests.slice(before).map((r) => r.path)).toEqual(["/api/permission/oauth2/token"])
    }).pipe(Effect.provide(gatewayLayer(jwtOptions(sim(), {
      credentials: {
        _tag: "Jwt",
        clientId: sim().oauth.clientId,
        keyId: "not-the-kid",
        privateKey: Redacted.make(sim().oauth.privateKeyPem)
      }
    })))))

  it.live("PAT refused (4100): typed auth error after one request, logged with the log id and no secret", () =>
    Effect.gen(function*() {
      const logger = yield* capturingLogger
      const before = sim().stats.requests.length
      const error = yield* Effect.flip(collect(turn(sim().bots.plain, "hi")).pipe(Effect.provide(logger.layer)))
      expect(error).toMatchObject({ reason: "auth", code: 4100 })
      expect(sim().stats.requests.slice(before)).toHaveLength(1)
      const lines = yield* logger.lines
      expect(lines.some((l) => l.includes(error.logId!) && l.includes("4100"))).toBe(true)
      expect(lines.join("\n")).not.toContain("pat_wrong_token")
    }).pipe(Effect.provide(gatewayLayer(patOptions(sim(), {
      credentials: { _tag: "Token", token: Redacted.make("pat_wrong_token") }
    })))))

  it.live("JWT: prepare gets a visitor's token ahead, so their message waits for no exchange; PAT: it exchanges nothing", () =>
    Effect.gen(function*() {
      const gateway = yield* BotGateway
      const carol = Ids.VisitorId.make("carol")
      const before = sim().stats.tokenExchanges
      yield* gateway.prepare(carol)
      expect(sim().stats.tokenExchanges).toBe(before + 1)
      expect(sim().stats.sessionNames.at(-1)).toBe("carol")
      const requests = sim().stats.requests.length
      yield* collect(turn(sim().bots.plain, "hi", { visitorId: carol }))
      expect(sim().stats.requests.slice(requests).map((r) => r.path)).toEqual(["/v3/chat"])
      // Prepared again while the token is fresh: nothing is sent (the connection is warm too).
      yield* gateway.prepare(carol)
      expect(sim().stats.requests.length).toBe(requests + 1)
    }).pipe(Effect.provide(gatewayLayer(jwtOptions(sim())).pipe(Layer.fresh))))

  it.live("PAT: prepare exchanges no token", () =>
    Effect.gen(function*() {
      const before = sim().stats.tokenExchanges
      yield* (yield* BotGateway).prepare(Ids.VisitorId.make("dave"))
      expect(sim().stats.tokenExchanges).toBe(before)
    }).pipe(Effect.provide(gatewayLayer(patOptions(sim())))))

  it.live("JWT logs never carry the key, the JWT or an access token", () =>
    Effect.gen(function*() {
      const logger = yield* capturingLogger
      sim().fault({ kind: "expireTokens" })
      yield* collect(turn(sim().bots.plain, "hi")).pipe(Effect.provide(logger.layer))
      const text = (yield* logger.lines).join("\n")
      expect(text).not.toMatch(/czs_|PRIVATE KEY|eyJ/)
    }).pipe(Effect.provide(gatewayLayer(jwtOptions(sim())))))
})

describe("Coze gateway JWT refresh before expiry", () => {
  const sim = useSimulator({ tokenTtlSeconds: 10 })

  it.live("refreshes a token near its absolute expiry once for 50 concurrent requests", () =>
    Effect.gen(function*() {
      yield* collect(turn(sim().bots.plain, "warm up"))
      const before = sim().stats.tokenExchanges
      // 10 s tokens are refreshed once less than half their life is left
      yield* Effect.sleep("5500 millis")
      const results = yield* Effect.forEach(
        Array.from({ length: 50 }, (_, i) => i),
        (i) => collect(turn(sim().bots.plain, `question ${i}`)),
        { concurrency: "unbounded" }
      )
      expect(sim().stats.tokenExchanges).toBe(before + 1)
      expect(results.every((events) => tags(events).at(-1) === "TurnCompleted")).toBe(true)
    }).pipe(Effect.provide(gatewayLayer(jwtOptions(sim())).pipe(Layer.fresh))))

  it.live("renews a token in the last part of its life in the background: the turn goes on with it, and its successor serves after", () =>
    Effect.gen(function*() {
      yield* collect(turn(sim().bots.plain, "warm up"))
      const before = sim().stats.tokenExchanges
      // 10 s tokens are due for renewal after 2.5 s and no longer handed out after 5 s.
      yield* Effect.sleep("3 seconds")
      sim().fault({ kind: "delayFirstByte", ms: 800, path: "/api/permission/oauth2/token" })
      const requests = sim().stats.requests.length
      const renewedDuring = yield* collect(turn(sim().bots.plain, "during the renewal"))
      expect(tags(renewedDuring).at(-1)).toBe("TurnCompleted")
      // The chat was answered while the exchange was still waiting for its answer.
      expect(sim().stats.requests.slice(requests).map((r) => r.path)).toEqual(["/v3/chat"])
      yield* Effect.sleep("2700 millis")
      expect(sim().stats.requests.slice(requests).map((r) => r.path)).toEqual(["/v3/chat", "/api/permission/oauth2/token"])
      // Past the old token's end: its successor is used, no exchange is waited for.
      const after = yield* collect(turn(sim().bots.plain, "after the renewal"))
      expect(tags(after).at(-1)).toBe("TurnCompleted")
      expect(sim().stats.tokenExchanges).toBe(before + 1)
    }).pipe(Effect.provide(gatewayLayer(jwtOptions(sim())).pipe(Layer.fresh))))
})
