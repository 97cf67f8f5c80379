import { type CozeSimulator, startCozeSimulator } from "@chatbot-node/coze-sim"
import { BotEventSink, BotGateway, type BotEvent, type BotTurn, Ids, type ToolOutputs } from "@chatbot-node/domain"
import { afterAll, beforeAll } from "@effect/vitest"
import { Chunk, Effect, Layer, List, Logger, Option, Redacted, Ref, Stream } from "effect"
import * as CozeBotGateway from "../../src/coze/CozeBotGateway.js"
import * as UndiciHttpClient from "../../src/http/UndiciHttpClient.js"
import type { CozeOptions } from "../../src/coze/CozeConfig.js"

/** Starts one simulator for the enclosing suite and closes it after. */
export const useSimulator = (options?: Parameters<typeof startCozeSimulator>[0]): (() => CozeSimulator) => {
  let sim: CozeSimulator | undefined
  beforeAll(async () => {
    sim = await startCozeSimulator(options)
  })
  afterAll(async () => {
    await sim?.close()
  })
  return () => sim as CozeSimulator
}

/** Options pointing at the simulator with a PAT, short retry delays and test-sized timeouts. */
export const patOptions = (sim: CozeSimulator, overrides: Partial<CozeOptions> = {}): CozeOptions => ({
  baseUrl: sim.url,
  credentials: { _tag: "Token", token: Redacted.make(sim.pat) },
  workspaceId: sim.workspaceId,
  retryBaseDelay: "20 millis",
  firstEventTimeout: "5 seconds",
  idleTimeout: "5 seconds",
  ...overrides
})

/** Options with the simulator's OAuth JWT service app. */
export const jwtOptions = (sim: CozeSimulator, overrides: Partial<CozeOptions> = {}): CozeOptions =>
  patOptions(sim, {
    audience: sim.audience,
    credentials: {
      _tag: "Jwt",
      clientId: sim.oauth.clientId,
      keyId: sim.oauth.kid,
      privateKey: Redacted.make(sim.oauth.privateKeyPem)
    },
    ...overrides
  })

/** The gateway layer over the server's HTTP client (undici). */
export const gatewayLayer = (options: CozeOptions) =>
  CozeBotGateway.layer(options).pipe(Layer.provide(UndiciHttpClient.layer))

/** A visitor's turn. */
export const turn = (botId: string, text: string, more: Partial<BotTurn> = {}): BotTurn => ({
  botId: Ids.BotId.make(botId),
  visitorId: Ids.VisitorId.make("visitor-1"),
  upstreamConversationId: Option.none(),
  locale: "en",
  text,
  context: {},
  ...more
})

/** A turn's events as a stream: the call runs while it is read, and stops when the reader does. */
export const stream = (gateway: BotGateway.Service, t: BotTurn) => BotEventSink.toStream((sink) => gateway.run(t, sink))

/** Tool outputs' events as a stream, like `stream`. */
export const toolStream = (gateway: BotGateway.Service, outputs: ToolOutputs) =>
  BotEventSink.toStream((sink) => gateway.submitToolOutputs(outputs, sink))

/** Runs a turn to its end, collecting the events. */
export const collect = (t: BotTurn) =>
  Effect.flatMap(BotGateway, (gateway) => Stream.runCollect(stream(gateway, t))).pipe(Effect.map(Chunk.toReadonlyArray))

/** The tags of events, in order. */
export const tags = (events: ReadonlyArray<BotEvent.BotEvent>) => events.map((e) => e._tag)

/** The text of all deltas. */
export const deltaText = (events: ReadonlyArray<BotEvent.BotEvent>) =>
  events.flatMap((e) => (e._tag === "TextDelta" ? [e.text] : [])).join("")

/** A logger that keeps every line (message and annotations) for assertions. */
export const capturingLogger = Effect.map(Ref.make(List.empty<string>()), (lines) => ({
  layer: Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ annotations, message }) => {
      const text = JSON.stringify({ message, annotations: Object.fromEntries(annotations) })
      Effect.runSync(Ref.update(lines, List.prepend(text)))
    })
  ),
  lines: Effect.map(Ref.get(lines), (l) => List.toArray(List.reverse(l)))
}))

/** Paths the simulator answered since `from`. */
export const requestsSince = (sim: CozeSimulator, from: number) => sim.stats.requests.slice(from)
