/**
 * Streaming capacity (issue 9, figure 2): the most concurrent chat streams the server sustains
 * with p99 inter-token delay ≤ 100 ms (SSE, Coze mode, the simulator paced like a real bot: first
 * token after 300 ms, 30 tokens/s, so a token is due every 33 ms), stepping up the concurrency;
 * and the server's CPU time per 1,000 token events, against a bare HTTP relay's piping the same
 * streams (bench/support/bareHttpRelay.ts: the least any relay does per token) and the simulator's own
 * (it writes the same tokens as SSE). Three processes on 127.0.0.1, a fourth for the relay.
 * Run: npm run build && npm run bench:streaming. Writes bench/results/streaming.{json,md}.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { benchDatabase } from "./support/database.js"
import * as os from "node:os"
import { join } from "node:path"
import { runStreams } from "./support/load.js"
import { benchSecret, cpuMsOf, nextPort, requireBuild, root, serverEnv, startListening, startServer, stopProcess } from "./support/processes.js"
import { type Figure, write } from "./support/results.js"
import { startSim } from "./support/sim.js"
import { percentile, ratio, round } from "./support/stats.js"

requireBuild()
const steps = (process.env.BENCH_STREAM_STEPS ?? "10,25,50,100,200,400").split(",").map(Number)
const limitMs = 100
const message = "Hello, what do you sell?"

const sim = await startSim()
const dataDir = mkdtempSync(join(os.tmpdir(), "bench-streaming-"))
// On PostgreSQL as in production when one answers (PGlite's in-process writes would be most of the CPU).
const databaseUrl = await benchDatabase("chatbot_bench_streaming", { fresh: true })
const database = databaseUrl === undefined ? "PGlite" : "PostgreSQL"
const server = await startServer(serverEnv(nextPort(), dataDir, { ...sim.env(), ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }) }))
const rows: Array<{ concurrency: number; streams: number; errors: number; tokens: number; gapP50: number; gapP99: number; ttftP99: number; serverCpuPer1000: number; simCpuPer1000: number; ok: boolean }> = []
try {
  await sim.pace(null)
  await runStreams({ mode: "streams", transport: "sse", url: server.url, concurrency: 10, rounds: 5, timeLimitMs: 30_000, message, tag: "warm", secret: benchSecret })
  await sim.pace({ firstTokenMs: 300, tokensPerSecond: 30 })
  for (const concurrency of steps) {
    const serverCpu0 = cpuMsOf(server.pid)
    const simCpu0 = cpuMsOf(sim.pid)
    const r = await runStreams({ mode: "streams", transport: "sse", url: server.url, concurrency, rounds: 2, timeLimitMs: 60_000, message, tag: `cap-${concurrency}`, secret: benchSecret })
    const serverCpu = cpuMsOf(server.pid) - serverCpu0
    const simCpu = cpuMsOf(sim.pid) - simCpu0
    const gapP99 = round(percentile(r.gapsMs, 99))
    const row = {
      concurrency, streams: r.streams, errors: r.errors, tokens: r.tokens,
      gapP50: round(percentile(r.gapsMs, 50)), gapP99, ttftP99: round(percentile(r.ttftMs, 99)),
      serverCpuPer1000: r.tokens === 0 ? Number.NaN : round((serverCpu / r.tokens) * 1000, 1),
      simCpuPer1000: r.tokens === 0 ? Number.NaN : round((simCpu / r.tokens) * 1000, 1),
      ok: r.errors === 0 && gapP99 <= limitMs
    }
    rows.push(row)
    console.log(`${concurrency} streams: inter-token p99 ${gapP99} ms, errors ${r.errors}, server CPU ${row.serverCpuPer1000} ms / 1000 tokens`)
    if (!row.ok) break
  }
} finally {
  await stopProcess(server.child)
  rmSync(dataDir, { recursive: true, force: true })
}

/**
 * The baseline: the bare HTTP relay piping the simulator's streams (the Coze wire as is, one process
 * with no store, no checks, no parsing) at the most streams the server sustained (or the first step),
 * the same pace and rounds: its CPU per 1,000 of the simulator's token events.
 */
const relayConcurrency = Math.max(steps[0]!, ...rows.filter((r) => r.ok).map((r) => r.concurrency))
const relay = await startListening("bench/support/bareHttpRelay.ts", { BARE_UPSTREAM: sim.url })
let relayCpuPer1000 = Number.NaN
try {
  const direct = { mode: "streams", transport: "coze", url: relay.url, message, secret: benchSecret, cozeBotId: sim.plainBotId, pat: sim.pat } as const
  await sim.pace(null)
  await runStreams({ ...direct, concurrency: 10, rounds: 5, timeLimitMs: 30_000, tag: "relay-warm" })
  await sim.pace({ firstTokenMs: 300, tokensPerSecond: 30 })
  const cpu0 = cpuMsOf(relay.child.pid!)
  const r = await runStreams({ ...direct, concurrency: relayConcurrency, rounds: 2, timeLimitMs: 60_000, tag: `relay-${relayConcurrency}` })
  relayCpuPer1000 = r.tokens === 0 ? Number.NaN : round(((cpuMsOf(relay.child.pid!) - cpu0) / r.tokens) * 1000, 1)
  console.log(`bare HTTP relay, ${relayConcurrency} streams: ${relayCpuPer1000} ms CPU / 1000 tokens (errors ${r.errors})`)
} finally {
  await stopProcess(relay.child)
  await sim.stop()
}

const sustained = Math.max(0, ...rows.filter((r) => r.ok).map((r) => r.concurrency))
const measured = rows.filter((r) => r.tokens > 0)
const cpu = measured.length === 0 ? Number.NaN : round(measured.reduce((s, r) => s + r.serverCpuPer1000 * r.tokens, 0) / measured.reduce((s, r) => s + r.tokens, 0), 1)
const simCpu = measured.length === 0 ? Number.NaN : round(measured.reduce((s, r) => s + r.simCpuPer1000 * r.tokens, 0) / measured.reduce((s, r) => s + r.tokens, 0), 1)
const figures: Array<Figure> = [
  { figure: `streaming: most concurrent SSE streams with inter-token p99 ≤ 100 ms, ${database}`, value: String(sustained), baseline: `steps ${steps.join(", ")}`, ratio: null, target: "as many as this machine allows (recorded)", met: null },
  { figure: `streaming: server CPU per 1,000 token events, ${database}`, value: `${cpu} ms`, baseline: `${relayCpuPer1000} ms (a bare HTTP relay piping the same streams at ${relayConcurrency}); the simulator ${simCpu} ms (ratio ${ratio(cpu, simCpu)})`, ratio: ratio(cpu, relayCpuPer1000), target: "–", met: null }
]
write(root, "streaming", "npm run bench:streaming", { limitMs, steps, rows, sustainedStreams: sustained, serverCpuMsPer1000Tokens: cpu, simulatorCpuMsPer1000Tokens: simCpu, bareRelay: { concurrency: relayConcurrency, cpuMsPer1000Tokens: relayCpuPer1000 } }, [{
  title: `SSE streams through the server (Coze mode, ${database}), simulator paced 300 ms + 30 tokens/s, 2 replies per stream`,
  headers: ["streams", "replies", "errors", "tokens", "inter-token p50 ms", "inter-token p99 ms", "TTFT p99 ms", "server CPU ms / 1000 tokens", "simulator CPU ms / 1000 tokens", "p99 ≤ 100 ms"],
  rows: rows.map((r) => [r.concurrency, r.streams, r.errors, r.tokens, r.gapP50, r.gapP99, r.ttftP99, r.serverCpuPer1000, r.simCpuPer1000, r.ok])
}], figures, [
  `Sustained: ${sustained} concurrent streams with inter-token p99 ≤ ${limitMs} ms (the steps stop at the first that misses). Server CPU per 1,000 token events ${cpu} ms vs a bare HTTP relay's ${relayCpuPer1000} ms piping the same streams at ${relayConcurrency} (ratio ${ratio(cpu, relayCpuPer1000)}) and the simulator's ${simCpu} ms (ratio ${ratio(cpu, simCpu)}); the server's CPU includes storing each reply and the turn's other work (a reply here is about 22 tokens), spread over its tokens.`
])
