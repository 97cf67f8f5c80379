/**
 * Realtime over Socket.io (issue 6): the bot's tokens per second delivered to visitors, against a bare
 * socket.io 4.8 server (no auth, no domain, no store: an emit loop, bench/support/bareSocketServer.ts)
 * sending the same number of events of the same shape in the same run; and the fan-out of one reply
 * to 50 agents watching it. Our server runs compiled, in Coze mode against the simulator (unpaced),
 * on PostgreSQL when one answers (else PGlite): every reply is stored. Each visitor's five messages make one
 * conversation, as the widget's do (the first opens it, the rest name it).
 * Two reply lengths: a long answer (~230 deltas, a product comparison's worth; the figure of the
 * target, since it measures the cost per event) and a short one (~22 deltas, where the turn's own
 * cost, its four writes and the upstream request, dominates). Idle sockets are measured by bench/idle.ts.
 * Load comes from separate processes (bench/support/loadWorker.ts). Run: npm run build && npm run bench:realtime.
 * Writes bench/results/realtime.{json,md}.
 */
import { Effect, Redacted } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { io, type Socket } from "socket.io-client"
import * as VisitorTokens from "../packages/adapters/src/koa/VisitorTokens.js"
import { Ids } from "../packages/domain/src/index.js"
import { benchDatabase } from "./support/database.js"
import { mergeStreams, noStreams, runStreams, type StreamsResult } from "./support/load.js"
import { benchSecret, nextPort, requireBuild, root, serverEnv, startListening, startServer, stopProcess } from "./support/processes.js"
import { type Figure, type Table, write } from "./support/results.js"
import { startSim } from "./support/sim.js"
import { median, round } from "./support/stats.js"

requireBuild()
const clients = 20
const rounds = Number(process.env.BENCH_REALTIME_ROUNDS ?? 5)
const repeats = Number(process.env.BENCH_REALTIME_REPEATS ?? 7)
const warmups = Number(process.env.BENCH_REALTIME_WARMUPS ?? 2)
const message = "Which running shoes do you recommend?"
const admin = { email: "bench@shop.example", password: "bench-password-123" }

/** What one reply of a bot is straight from the simulator: its deltas (the bot's tokens) and characters. */
type Reply = { readonly deltas: number; readonly chars: number }

/**
 * Rates of a run. `tokens` counts the bot's tokens delivered, from the text received (characters
 * × the simulator's deltas per character), so that a server carrying several tokens that arrived
 * together in one event is credited for the text it delivered, no more; `events` counts the
 * delta events themselves.
 */
const rate = (r: StreamsResult, reply: Reply) => {
  const seconds = r.elapsedMs / 1000
  const tokens = (r.chars * reply.deltas) / reply.chars
  return {
    replies: r.streams,
    errors: r.errors,
    events: r.tokens,
    eventsPerReply: r.streams === 0 ? 0 : round(r.tokens / r.streams, 1),
    tokensPerReply: r.streams === 0 ? 0 : round(tokens / r.streams, 1),
    seconds: round(seconds),
    eventsPerSecond: Math.round(r.tokens / seconds),
    tokensPerSecond: Math.round(tokens / seconds),
    repliesPerSecond: round(r.streams / seconds, 1),
    firstError: r.firstError
  }
}
type Rate = ReturnType<typeof rate>

const bareText = "Thanks "
/** The bare socket.io server: an emit loop of `tokens` deltas, or (with `relayOf`) a bare relay of that simulator bot. */
const startBare = async (tokens: number, relayOf?: string) => {
  const relay = relayOf === undefined ? {} : { BARE_UPSTREAM: sim.url, BARE_PAT: sim.pat, BARE_BOT: relayOf }
  return startListening("bench/support/bareSocketServer.ts", { BARE_TOKENS: String(tokens), BARE_TOKEN_TEXT: bareText, ...relay })
}

const run = (transport: "socketio" | "sse", url: string, tag: string) =>
  runStreams({ mode: "streams", transport, url, concurrency: clients, rounds, timeLimitMs: 120_000, message, tag, secret: benchSecret, conversations: "continue", eachOnItsOwn: true })
const streams = (transport: "socketio" | "sse", url: string, tag: string, reply: Reply) => run(transport, url, tag).then((r) => rate(r, reply))

/**
 * Runs of several servers taken in turns, `repeats` times (so that a noisy moment is shared): each
 * server's runs summed, and each turn's rate of the first server over the second's (its pair ratio).
 */
const interleaved = async (servers: ReadonlyArray<{ readonly url: string; readonly tag: string }>) => {
  const sums = servers.map(() => noStreams)
  const pairRatios: Array<number> = []
  for (let i = 0; i < repeats; i++) {
    const turn: Array<StreamsResult> = []
    for (const [k, server] of servers.entries()) {
      const r = await run("socketio", server.url, `${server.tag}-${i}`)
      turn.push(r)
      sums[k] = mergeStreams(sums[k]!, r)
    }
    // Text per second (the same reply on both sides), so the ratio is of tokens delivered.
    pairRatios.push((turn[0]!.chars / turn[0]!.elapsedMs) / (turn[1]!.chars / turn[1]!.elapsedMs))
  }
  return { sums, pairRatios }
}

/** One reply of `bot` read straight from the simulator. */
const direct = async (bot: "long" | "plain"): Promise<Reply> => {
  const r = await runStreams({ mode: "streams", transport: "coze", url: sim.url, concurrency: 1, rounds: 2, timeLimitMs: 30_000, message, tag: `direct-${bot}`, cozeBotId: bot === "long" ? sim.longBotId : sim.plainBotId, pat: sim.pat })
  if (r.streams === 0 || r.chars === 0) throw new Error(`no reply straight from the simulator: ${r.firstError}`)
  return { deltas: r.tokens / r.streams, chars: r.chars / r.streams }
}

const connect = (url: string, auth: Record<string, unknown>, nsp: string) =>
  new Promise<Socket>((resolve, reject) => {
    const s = io(`${url}${nsp}`, { auth, transports: ["websocket"], forceNew: true, reconnection: false })
    s.once("connect", () => resolve(s))
    s.once("connect_error", reject)
  })

/** The bot's tokens/s delivered to `agents` sockets (from the text received, as `rate`) while `ask` plays `replies` replies one after another. */
const fanOut = async (agents: ReadonlyArray<Socket>, replies: number, reply: Reply, ask: (r: number) => Promise<unknown>) => {
  let chars = 0
  let events = 0
  const t0 = performance.now()
  for (let r = 0; r < replies; r++) {
    const all = Promise.all(agents.map((a) => new Promise<void>((resolve) => {
      const on = (e: { _tag: string; text?: string }) => {
        if (e._tag === "delta") { events++; chars += e.text?.length ?? 0 }
        if (e._tag === "done") { a.off("chat:event", on); resolve() }
      }
      a.on("chat:event", on)
    })))
    await ask(r)
    await all
  }
  const seconds = (performance.now() - t0) / 1000
  const tokens = (chars * reply.deltas) / reply.chars
  return { replies, tokens: Math.round(tokens), events, seconds: round(seconds), tokensPerSecond: Math.round(tokens / seconds), eventsPerSecond: Math.round(events / seconds) }
}

const sim = await startSim()
await sim.pace(null)
const databaseUrl = await benchDatabase("chatbot_bench_realtime", { fresh: true })
const database = databaseUrl === undefined ? "PGlite" : "PostgreSQL"
const dataDir = mkdtempSync(join(os.tmpdir(), "bench-realtime-"))
const serverOf = (bot: "long" | "plain") =>
  startServer(serverEnv(nextPort(), dataDir, {
    ...sim.env(bot), ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }), ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password
  }))

/** The median and range of the turns' ratios of ours to the bare relay. */
type PairRatios = { readonly median: number; readonly min: number; readonly max: number; readonly all: ReadonlyArray<number> }
const pairRatiosOf = (all: ReadonlyArray<number>): PairRatios => ({
  median: round(median(all), 3), min: round(Math.min(...all), 3), max: round(Math.max(...all), 3), all: all.map((r) => round(r, 3))
})
const rows: Array<{ reply: string; deltas: number; ours: Rate; sse: Rate; bare: Rate; relay: Rate; ratio: number; pairs: PairRatios; ratioToLoop: number }> = []
let fan: { watchers: number; ours: Awaited<ReturnType<typeof fanOut>>; bare: Awaited<ReturnType<typeof fanOut>>; ratio: number } | undefined
try {
  for (const bot of ["long", "plain"] as const) {
    const reply = await direct(bot)
    const server = await serverOf(bot)
    try {
      const deltas = Math.round(reply.deltas)
      const bare = await startBare(deltas)
      const relay = await startBare(deltas, bot === "long" ? sim.longBotId : sim.plainBotId)
      let ours: Rate, relayRate: Rate, bareRate: Rate, sse: Rate, pairs: PairRatios
      try {
        // Warmed up alike (the JIT keeps optimizing for the first few hundred replies), then measured.
        for (let w = 0; w < warmups; w++) for (const url of [server.url, relay.url, bare.url]) await run("socketio", url, `warm-${bot}-${w}`)
        const { sums: [o, r, b], pairRatios } = await interleaved([{ url: server.url, tag: `io-${bot}` }, { url: relay.url, tag: `relay-${bot}` }, { url: bare.url, tag: `bare-${bot}` }])
        ours = rate(o!, reply)
        relayRate = rate(r!, reply)
        pairs = pairRatiosOf(pairRatios)
        bareRate = rate(b!, { deltas, chars: deltas * bareText.length })
        sse = await streams("sse", server.url, `sse-${bot}`, reply)
      } finally {
        await stopProcess(bare.child)
        await stopProcess(relay.child)
      }
      rows.push({
        reply: bot === "long" ? "long answer" : "short answer", deltas, ours, sse, bare: bareRate, relay: relayRate,
        ratio: round(ours.tokensPerSecond / relayRate.tokensPerSecond, 3), pairs, ratioToLoop: round(ours.tokensPerSecond / bareRate.tokensPerSecond, 3)
      })
      console.log(`${bot}: ours ${ours.tokensPerSecond} tokens/s in ${ours.eventsPerSecond} events/s (SSE ${sse.tokensPerSecond}), bare relay ${relayRate.tokensPerSecond}, bare emit loop ${bareRate.tokensPerSecond}; turns' ratios ${pairs.all.join(" ")}`)

      if (bot === "plain") {
        const watchers = 50
        const login = await fetch(`${server.url}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(admin) })
        const adminToken = ((await login.json()) as { token: string }).token
        const visitorToken = await Effect.runPromise(VisitorTokens.make({ secret: Redacted.make(benchSecret), ttl: "1 day" }).issue({ shopId: Ids.ShopId.make("bench"), visitorId: Ids.VisitorId.make("vt-fan") }))
        const asker = await connect(server.url, { token: visitorToken.token }, "/visitor")
        const played = (s: Socket) => new Promise<void>((resolve) => { const on = (e: { _tag: string }) => { if (e._tag === "done") { s.off("chat:event", on); resolve() } }; s.on("chat:event", on) })
        const first = played(asker)
        const opened = (await asker.emitWithAck("message:send", { text: message, clientMessageId: "fan-0" })) as { conversationId: string }
        await first
        const agents = await Promise.all(Array.from({ length: watchers }, () => connect(server.url, { token: adminToken }, "/agent")))
        await Promise.all(agents.map((a) => a.emitWithAck("watch", { conversationId: opened.conversationId })))
        const oursFan = await fanOut(agents, 10, reply, (r) => asker.emitWithAck("message:send", { text: message, clientMessageId: `fan-${r + 1}`, conversationId: opened.conversationId }))
        const bare = await startBare(Math.round(ours.tokensPerReply))
        try {
          const bareAgents = await Promise.all(Array.from({ length: watchers }, () => connect(bare.url, {}, "/agent")))
          const bareAsker = await connect(bare.url, {}, "/visitor")
          const bareFan = await fanOut(bareAgents, 10, { deltas: Math.round(ours.tokensPerReply), chars: Math.round(ours.tokensPerReply) * bareText.length }, () => bareAsker.emitWithAck("broadcast", {}))
          for (const s of [...bareAgents, bareAsker]) s.close()
          fan = { watchers, ours: oursFan, bare: bareFan, ratio: round(oursFan.tokensPerSecond / bareFan.tokensPerSecond, 3) }
        } finally {
          await stopProcess(bare.child)
        }
        for (const s of [...agents, asker]) s.close()
      }
    } finally {
      await stopProcess(server.child)
    }
  }
} finally {
  await sim.stop()
  rmSync(dataDir, { recursive: true, force: true })
}

const long = rows.find((r) => r.reply === "long answer")!
const short = rows.find((r) => r.reply === "short answer")!
const figures: Array<Figure> = [
  {
    figure: `realtime: bot tokens/s delivered to visitors, long answers (${long.deltas} tokens), Socket.io, ${database}`,
    value: `${long.ours.tokensPerSecond} (in ${long.ours.eventsPerSecond} events/s)`,
    baseline: `${long.relay.tokensPerSecond} (bare socket.io relaying the same simulator; the ratio is the median of ${repeats} turns' ratios, ${long.pairs.min}–${long.pairs.max}, summed runs ${long.ratio}); ${long.bare.tokensPerSecond} (bare emit loop, no upstream: ratio ${long.ratioToLoop})`,
    ratio: long.pairs.median, target: "≥ 0.7 × bare relay", met: long.ours.errors === 0 && long.pairs.median >= 0.7
  },
  {
    figure: `realtime: bot tokens/s delivered to visitors, short answers (${short.deltas} tokens), Socket.io, ${database}`,
    value: `${short.ours.tokensPerSecond} (${short.ours.repliesPerSecond} replies/s)`,
    baseline: `${short.relay.tokensPerSecond} (bare relay); ${short.bare.tokensPerSecond} (bare emit loop: ratio ${short.ratioToLoop})`, ratio: short.ratio,
    target: "–", met: null
  },
  ...(fan === undefined ? [] : [{
    figure: `realtime: fan-out of a reply to ${fan.watchers} watching agents, bot tokens/s`, value: String(fan.ours.tokensPerSecond),
    baseline: `${fan.bare.tokensPerSecond} (bare socket.io room)`, ratio: fan.ratio, target: "–", met: null
  }])
]
const tables: Array<Table> = [
  {
    title: `Bot tokens delivered: ${clients} visitors, ${rounds} messages each in one conversation, one after another, ${repeats} runs per server taken in turns after ${warmups} warm-up runs each (Coze mode, simulator unpaced, ${database}; SSE one run)`,
    headers: ["reply", "server", "replies", "errors", "tokens/reply", "events/reply", "seconds", "tokens/s", "events/s", "replies/s", "ratio to bare relay (tokens/s)", "turns' ratios: median (range)"],
    rows: rows.flatMap((r) => [
      [r.reply, "chatbot-node, Socket.io /visitor", r.ours.replies, r.ours.errors, r.ours.tokensPerReply, r.ours.eventsPerReply, r.ours.seconds, r.ours.tokensPerSecond, r.ours.eventsPerSecond, r.ours.repliesPerSecond, r.ratio, `${r.pairs.median} (${r.pairs.min}–${r.pairs.max})`],
      [r.reply, "chatbot-node, SSE POST /api/coze/chat/stream", r.sse.replies, r.sse.errors, r.sse.tokensPerReply, r.sse.eventsPerReply, r.sse.seconds, r.sse.tokensPerSecond, r.sse.eventsPerSecond, r.sse.repliesPerSecond, round(r.sse.tokensPerSecond / r.relay.tokensPerSecond, 3), "–"],
      [r.reply, "bare socket.io relaying the simulator", r.relay.replies, r.relay.errors, r.relay.tokensPerReply, r.relay.eventsPerReply, r.relay.seconds, r.relay.tokensPerSecond, r.relay.eventsPerSecond, r.relay.repliesPerSecond, 1, "1"],
      [r.reply, "bare socket.io emit loop (no upstream)", r.bare.replies, r.bare.errors, r.bare.tokensPerReply, r.bare.eventsPerReply, r.bare.seconds, r.bare.tokensPerSecond, r.bare.eventsPerSecond, r.bare.repliesPerSecond, round(r.bare.tokensPerSecond / r.relay.tokensPerSecond, 3), "–"]
    ])
  },
  ...(fan === undefined ? [] : [{
    title: `Fan-out: one visitor's short replies watched live by ${fan.watchers} agents (/agent namespace, the realtime hub)`,
    headers: ["server", "replies", "tokens delivered", "delta events", "seconds", "tokens/s", "events/s"],
    rows: [
      ["chatbot-node", fan.ours.replies, fan.ours.tokens, fan.ours.events, fan.ours.seconds, fan.ours.tokensPerSecond, fan.ours.eventsPerSecond],
      ["bare socket.io, one room", fan.bare.replies, fan.bare.tokens, fan.bare.events, fan.bare.seconds, fan.bare.tokensPerSecond, fan.bare.eventsPerSecond]
    ]
  }])
]
write(root, "realtime", "npm run bench:realtime", { clients, rounds, repeats, database, rows, fanOut: fan }, tables, figures, [
  `Target (token events/s ≥ 0.7 × bare socket.io): against a bare socket.io server relaying the same simulator, long answers ${long.pairs.median} → ${long.pairs.median >= 0.7 ? "met" : "not met"} (the median of the ${repeats} turns' ratios, ${long.pairs.all.join(", ")}; one turn runs each server once, one after another, so a noisy moment of this shared machine falls on one turn and not on one server; the summed runs' ratio is ${long.ratio}), short answers ${short.pairs.median} (summed ${short.ratio}). Against a bare emit loop that asks no upstream at all (the simulator's own work, which shares these two cores, is then missing from the baseline): long ${long.ratioToLoop}, short ${short.ratioToLoop}.`,
  "Each visitor's messages make one conversation, as the widget's do (the first opens it, the next ones name it). Each of our replies is stored (the visitor's message, the reply's placeholder, the reply), checks two rate limits and that the conversation is the visitor's, and is published to the realtime hub; the bare relay does none of that.",
  "Tokens are counted from the text each client received (characters × the simulator's tokens per character, read straight from it in the same run), so text lost would count against us. The bare server sends one event per token; ours passes on the tokens that reached it in one read of Coze's stream as one delta event (nothing waits to be merged: paced tokens go one per event), hence fewer events per reply under load.",
  "Server, simulator, bare server and load generators are separate processes sharing this machine's two cores; the bare server's events are the same shapes and token counts as ours."
])
process.exit(0)
