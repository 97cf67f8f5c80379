import { BotGateway } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { CozeBotGateway } from "../../src/coze/CozeBotGateway.js"
import { collect, gatewayLayer, patOptions, tags, turn, useSimulator } from "./support.js"

const sim = useSimulator()
const run = <A, E>(effect: Effect.Effect<A, E, BotGateway | CozeBotGateway>) =>
  Effect.provide(effect, gatewayLayer(patOptions(sim())))

describe("Coze gateway bots API against the simulator", () => {
  it.live("lists every bot of the workspace, published or not, with 19-digit ids", () =>
    run(Effect.gen(function*() {
      const bots = yield* (yield* BotGateway).listBots
      const byId = new Map(bots.map((b) => [b.id as string, b]))
      expect(byId.get(sim().bots.plain)).toMatchObject({ provider: "coze", published: true })
      expect(byId.get(sim().bots.unpublished)).toMatchObject({ published: false })
      expect(bots.every((b) => /^\d{19}$/.test(b.id))).toBe(true)
    })))

  it.live("creates a bot, publishes it to the API connector, and it answers at once", () =>
    run(Effect.gen(function*() {
      const gateway = yield* BotGateway
      const from = sim().stats.requests.length
      const bot = yield* gateway.createBot({ name: "Shoe helper", description: "Finds shoes", prompt: "Be brief." })
      expect(bot).toMatchObject({ name: "Shoe helper", description: "Finds shoes", published: true, provider: "coze" })
      expect(sim().stats.requests.slice(from).map((r) => r.path)).toEqual(["/v1/bot/create", "/v1/bot/publish"])
      expect(tags(yield* collect(turn(bot.id, "hi"))).at(-1)).toBe("TurnCompleted")
    })))

  it.live("gets and updates a bot (update republishes)", () =>
    run(Effect.gen(function*() {
      const coze = yield* CozeBotGateway
      yield* coze.updateBot(sim().bots.plain, { name: "Renamed", prologue: "Hi!" })
      const bot = yield* coze.getBot(sim().bots.plain)
      expect(bot).toMatchObject({ id: sim().bots.plain, name: "Renamed" })
    })))

  it.live("a workspace the token may not use is a typed permission error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* BotGateway).listBots)
      expect(error).toMatchObject({ reason: "permission", code: 4101 })
    }).pipe(Effect.provide(gatewayLayer(patOptions(sim(), { workspaceId: "7000000000000000999" })))))
})
