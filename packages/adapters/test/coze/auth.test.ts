import { Ids } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { capturingLogger, collect, gatewayLayer, jwtOptions, patOptions, tags, turn, useSimulator } from "./support.js"

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
})
