/**
 * A command-line chat with a Coze bot through the Coze adapter: streams the reply as it arrives,
 * then lists the function calls and follow-up suggestions. Ctrl-C cancels the upstream chat.
 *
 *   node --conditions=source --import tsx examples/coze-chat.ts "Do you have red shoes?"
 *       with COZE_API_TOKEN (or COZE_CLIENT_ID + COZE_PUBLIC_KEY + COZE_PRIVATE_KEY_PATH), COZE_BOT_ID,
 *       and optionally COZE_BASE_URL (the proxy) + COZE_PROXY_SECRET
 *   node --conditions=source --import tsx examples/coze-chat.ts --simulate "Do you have red shoes?"
 *       starts the Coze simulator in-process (OAuth JWT against its test key pair)
 *
 * Options: --bot <id>, --visitor <id>, --poll (the JSON endpoint instead of SSE),
 *          --sim-bot plain|markup|followUps|functionCall|toolCall (with --simulate; default followUps).
 */
import { type BotEvent, BotGateway, type FunctionCall, Ids } from "@chatbot-node/domain"
import { CozeBotGateway } from "@chatbot-node/adapters/coze"
import { UndiciHttpClient } from "@chatbot-node/adapters/http"
import { Config, Effect, Fiber, Layer, Logger, LogLevel, Option, Redacted, Stream } from "effect"

const args = process.argv.slice(2)
const flag = (name: string) => args.includes(name)
const option = (name: string) => {
  const i = args.indexOf(name)
  return i === -1 ? undefined : args[i + 1]
}
const valued = new Set(["--bot", "--visitor", "--sim-bot"])
const question = args.filter((a, i) => !a.startsWith("--") && !valued.has(args[i - 1] ?? "")).join(" ")
if (question.trim() === "") {
  console.error("usage: coze-chat.ts [--simulate] [--poll] [--bot <id>] [--visitor <id>] \"question\"")
  process.exit(2)
}
const mode = flag("--poll") ? "poll" : "stream"

/** The gateway and bot: the simulator's (started here) or the real Coze from the environment. */
const setup = Effect.gen(function*() {
  if (!flag("--simulate")) {
    const botId = option("--bot") ?? (yield* Config.string("COZE_BOT_ID"))
    return { botId, layer: CozeBotGateway.layerConfig({ mode }) }
  }
  const { startCozeSimulator } = yield* Effect.promise(() => import("@chatbot-node/coze-sim"))
  const sim = yield* Effect.acquireRelease(Effect.promise(() => startCozeSimulator()), (s) => Effect.promise(() => s.close()))
  const kind = (option("--sim-bot") ?? "followUps") as keyof typeof sim.bots
  const botId = option("--bot") ?? sim.bots[kind]
  const layer = CozeBotGateway.layer({
    baseUrl: sim.url,
    audience: sim.audience,
    credentials: {
      _tag: "Jwt",
      clientId: sim.oauth.clientId,
      keyId: sim.oauth.kid,
      privateKey: Redacted.make(sim.oauth.privateKeyPem)
    },
    workspaceId: sim.workspaceId,
    mode
  })
  yield* Effect.sync(() => sim.pace({ firstTokenMs: 400, tokensPerSecond: 8 }))
  return { botId, layer }
})

/** Prints the text as it streams and remembers what to list at the end. */
const show = (calls: Array<FunctionCall.FunctionCall>, followUps: Array<string>) => (event: BotEvent.BotEvent) =>
  Effect.sync(() => {
    switch (event._tag) {
      case "TextDelta":
        process.stdout.write(event.text)
        break
      case "FunctionCalled":
        calls.push(event.call)
        break
      case "FollowUp":
        followUps.push(event.text)
        break
      case "TurnCompleted":
        process.stdout.write("\n")
        break
    }
  })

const chat = Effect.gen(function*() {
  const { botId, layer } = yield* setup
  const calls: Array<FunctionCall.FunctionCall> = []
  const followUps: Array<string> = []
  yield* Effect.gen(function*() {
    const gateway = yield* BotGateway
    const visitorId = Ids.VisitorId.make(option("--visitor") ?? "cli-visitor")
    let pending: Option.Option<BotEvent.BotEvent & { _tag: "ToolCallsRequired" }> = Option.none()
    const shown = show(calls, followUps)
    // The gateway hands the events over batch by batch (what arrived together).
    yield* gateway.run({
      botId: Ids.BotId.make(botId),
      visitorId,
      upstreamConversationId: Option.none(),
      locale: "en",
      text: question,
      context: { page: "cli" }
    }, (events) =>
      Effect.forEach(events, (e) => {
        if (e._tag === "ToolCallsRequired") pending = Option.some(e)
        return shown(e)
      }, { discard: true }))
    // A real server answers tool calls from its catalog (the domain does); this CLI has none.
    for (const required of Option.toArray(pending)) {
      console.log(`\n[the bot asks for ${required.calls.map((c) => `${c.name}(${JSON.stringify(c.arguments)})`).join(", ")}]`)
      yield* gateway.submitToolOutputs({
        botId: Ids.BotId.make(botId),
        visitorId,
        upstreamConversationId: required.upstreamConversationId,
        chatId: required.chatId,
        outputs: required.calls.map((c) => ({ toolCallId: c.id, output: "No catalog in this example: nothing found." }))
      }, (events) => Effect.forEach(events, shown, { discard: true }))
    }
  }).pipe(Effect.provide(layer.pipe(Layer.provide(UndiciHttpClient.layer))))
  for (const call of calls) console.log(`function call: ${call.name} ${JSON.stringify(call.arguments)}`)
  for (const text of followUps) console.log(`you could ask: ${text}`)
})

const fiber = Effect.runFork(
  chat.pipe(
    Effect.scoped,
    Effect.catchAll((error) => Effect.sync(() => {
      console.error(`\n${error._tag === "BotGatewayError" ? `Coze error (${error.reason}${error.code !== undefined ? `, code ${error.code}` : ""}${error.logId !== undefined ? `, log id ${error.logId}` : ""}): ${error.message}` : String(error)}`)
      process.exitCode = 1
    })),
    Effect.onInterrupt(() => Effect.sync(() => console.error("\n[cancelled]"))),
    Logger.withMinimumLogLevel(LogLevel.Warning)
  )
)
process.once("SIGINT", () => void Effect.runPromise(Fiber.interrupt(fiber)))
