import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { FetchHttpClient } from "@effect/platform"
import { makeHandler } from "@chatbot-node/coze-proxy"
import { BotGateway } from "@chatbot-node/domain"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import * as CozeBotGateway from "../../src/coze/CozeBotGateway.js"
import * as CozeConfig from "../../src/coze/CozeConfig.js"
import { serveHandler } from "./serveHandler.js"
import { collect, gatewayLayer, jwtOptions, tags, turn, useSimulator } from "./support.js"

const sim = useSimulator()
let proxy: { readonly url: string; readonly close: () => Promise<void> }
let dir: string
beforeAll(async () => {
  proxy = await serveHandler(makeHandler({ upstream: sim().url, secret: "s3cret" }))
  dir = await mkdtemp(join(tmpdir(), "coze-adapter-"))
})
afterAll(async () => {
  await proxy.close()
  await rm(dir, { recursive: true, force: true })
})

const withEnv = (env: Record<string, string>) => Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

describe("Coze gateway through the proxy Worker", () => {
  it.live("JWT + streamed chat through the proxy: aud stays the Coze host, X-Proxy-Secret is sent", () =>
    Effect.gen(function*() {
      const exchanges = sim().stats.tokenExchanges
      const events = yield* collect(turn(sim().bots.followUps, "boots?"))
      expect(tags(events).at(-1)).toBe("TurnCompleted")
      expect(tags(events).filter((t) => t === "FollowUp")).toHaveLength(3)
      expect(sim().stats.tokenExchanges).toBe(exchanges + 1)
    }).pipe(Effect.provide(gatewayLayer(jwtOptions(sim(), { baseUrl: proxy.url, proxySecret: Redacted.make("s3cret") })))))

  it.live("without the secret the proxy refuses: a typed auth error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(collect(turn(sim().bots.plain, "hi")))
      expect(error).toMatchObject({ _tag: "BotGatewayError", reason: "auth" })
    }).pipe(Effect.provide(gatewayLayer(jwtOptions(sim(), { baseUrl: proxy.url })))))
})

describe("CozeConfig.fromEnv and layerConfig", () => {
  it.effect("a token wins; otherwise the JWT app, its key from COZE_PRIVATE_KEY with escaped line breaks", () =>
    Effect.gen(function*() {
      const pat = yield* CozeConfig.fromEnv.pipe(Effect.provide(withEnv({ COZE_API_TOKEN: "pat_x", COZE_CLIENT_ID: "1" })))
      expect(pat.credentials._tag).toBe("Token")
      const jwt = yield* CozeConfig.fromEnv.pipe(Effect.provide(withEnv({
        COZE_CLIENT_ID: "1",
        COZE_PUBLIC_KEY: "kid",
        COZE_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----",
        COZE_FIRST_EVENT_TIMEOUT: "10 seconds",
        COZE_MODE: "poll"
      })))
      expect(jwt.credentials._tag === "Jwt" && Redacted.value(jwt.credentials.privateKey)).toBe(
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
      )
      expect(jwt.mode).toBe("poll")
      const missing = yield* Effect.flip(CozeConfig.fromEnv.pipe(Effect.provide(withEnv({ COZE_CLIENT_ID: "1" }))))
      expect(missing._op).toBe("MissingData")
      expect(String(Redacted.make("pat_x"))).not.toContain("pat_x")
    }))

  it.live("layerConfig reads COZE_* (key from COZE_PRIVATE_KEY_PATH) and chats through the proxy", () =>
    Effect.gen(function*() {
      const keyPath = join(dir, "private.pem")
      yield* Effect.promise(() => writeFile(keyPath, sim().oauth.privateKeyPem))
      const layer = CozeBotGateway.layerConfig().pipe(
        Layer.provide(FetchHttpClient.layer),
        Layer.provide(withEnv({
          COZE_BASE_URL: proxy.url,
          COZE_AUDIENCE: sim().audience,
          COZE_CLIENT_ID: sim().oauth.clientId,
          COZE_PUBLIC_KEY: sim().oauth.kid,
          COZE_PRIVATE_KEY_PATH: keyPath,
          COZE_PROXY_SECRET: "s3cret",
          COZE_WORKSPACE_ID: sim().workspaceId
        }))
      )
      const bots = yield* Effect.flatMap(BotGateway, (g) => g.listBots).pipe(Effect.provide(layer))
      expect(bots.map((b) => b.id)).toContain(sim().bots.plain)
      const events = yield* collect(turn(sim().bots.plain, "hi")).pipe(Effect.provide(layer))
      expect(tags(events).at(-1)).toBe("TurnCompleted")
    }))
})
