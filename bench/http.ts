/**
 * HTTP throughput of the server (issue 5). Requests/s of `GET /health` and of the non-streamed
 * chat (`POST /api/coze/chat`, demo bot, token delay 0) against a bare Koa app serving the same
 * shapes, in the same run. Cold start is bench/coldstart.ts.
 * Servers run as child processes on 127.0.0.1; the load (autocannon) runs in this process.
 * Needs `npm run build` first. Run: npm run bench:http. Writes bench/results/http.json and http.md.
 */
import autocannon from "autocannon"
import { type ChildProcess, execSync, spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { setTimeout as sleep } from "node:timers/promises"
// Ports below Linux's ephemeral range, where the load's own connections cannot have taken them.
import { nextPort } from "./support/processes.js"

const root = new URL("..", import.meta.url).pathname
const main = join(root, "packages/server/dist/main.js")
if (!existsSync(main)) throw new Error("run `npm run build` first (bench/http.ts measures the compiled server)")
const duration = Number(process.env.BENCH_SECONDS ?? 5)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10)

const bareKoa = `
import Koa from "koa"
const app = new Koa()
app.use(async (ctx) => {
  if (ctx.method === "GET" && ctx.path === "/health") { ctx.body = { status: "ok", database: "connected", uptime: process.uptime() }; return }
  if (ctx.method === "POST" && ctx.path === "/api/coze/chat") {
    let raw = ""; for await (const c of ctx.req) raw += c
    const body = JSON.parse(raw)
    ctx.body = { conversationId: "c", reply: "Hello! " + String(body.message), products: [] }
    return
  }
  ctx.status = 404
})
app.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"))
`

const children: Array<ChildProcess> = []
process.on("exit", () => { for (const c of children) c.kill("SIGKILL") })

const start = (args: ReadonlyArray<string>, env: Record<string, string>) => {
  const inherited: Record<string, string | undefined> = { ...process.env }
  delete inherited.DATABASE_URL
  const child = spawn(process.execPath, args, { cwd: root, env: { ...inherited, ...env }, stdio: ["ignore", "pipe", "pipe"] })
  children.push(child)
  child.stderr?.resume()
  child.stdout?.resume()
  return child
}

const stop = async (child: ChildProcess) => {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once("exit", resolve))
  child.kill("SIGTERM")
  await Promise.race([exited, sleep(15_000).then(() => child.kill("SIGKILL"))])
}

/** Polls `/health` every 2 ms; the time from `t0` to the first 200. */
const firstHealthy = async (port: number, t0: number, limitMs = 60_000) => {
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`)
      await res.arrayBuffer()
      if (res.status === 200) return performance.now() - t0
    } catch { /* not listening yet */ }
    if (performance.now() - t0 > limitMs) throw new Error(`no /health 200 on ${port} within ${limitMs} ms`)
    await sleep(2)
  }
}

const serverEnv = (dataDir: string, extra: Record<string, string> = {}) => ({
  PORT: String(nextPort()),
  HOST: "127.0.0.1",
  NODE_ENV: "test",
  DATA_DIR: dataDir,
  DEMO_TOKEN_DELAY_MIN_MS: "0",
  DEMO_TOKEN_DELAY_MAX_MS: "0",
  RATE_LIMIT_VISITOR: "1000000/60",
  RATE_LIMIT_IP: "1000000/60",
  ...extra
})

const load = async (port: number, kind: "health" | "chat") => {
  let n = 0
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    requests: [
      kind === "health"
        ? { method: "GET", path: "/health" }
        : {
          method: "POST",
          path: "/api/coze/chat",
          headers: { "content-type": "application/json" },
          setupRequest: (req: any) => ({ ...req, body: JSON.stringify({ shopId: "bench", userId: `v-${n++ % 5000}`, message: "Hello" }) })
        }
    ]
  })
  const ok = result["2xx"]
  return { rps: Math.round(result.requests.average), p50ms: result.latency.p50, p99ms: result.latency.p99, ok, non2xx: result.non2xx, errors: result.errors }
}

const throughput = async () => {
  const rows: Array<Record<string, unknown>> = []
  const dataDir = mkdtempSync(join(os.tmpdir(), "bench-http-"))
  const bareEnv = { PORT: String(nextPort()) }
  const bare = start(["--input-type=module", "-e", bareKoa], bareEnv)
  const env = serverEnv(dataDir)
  const server = start([main], env)
  try {
    await firstHealthy(Number(bareEnv.PORT), performance.now())
    await firstHealthy(Number(env.PORT), performance.now())
    for (const kind of ["health", "chat"] as const) {
      await load(Number(env.PORT), kind) // warm-up (JIT, PGlite caches); not recorded
      const baseline = await load(Number(bareEnv.PORT), kind)
      const ours = await load(Number(env.PORT), kind)
      rows.push({ route: kind === "health" ? "GET /health" : "POST /api/coze/chat (demo bot, delay 0)", bareKoaRps: baseline.rps, serverRps: ours.rps, ratio: Math.round((ours.rps / baseline.rps) * 1000) / 1000, serverP50ms: ours.p50ms, serverP99ms: ours.p99ms, serverNon2xx: ours.non2xx, serverErrors: ours.errors })
    }
  } finally {
    await stop(server)
    await stop(bare)
    rmSync(dataDir, { recursive: true, force: true })
  }
  return rows
}

const rows = await throughput()
console.table(rows)
// Cold start (process start → first /health 200, PGlite and PostgreSQL, per-module output and the
// production bundle) is measured by bench/coldstart.ts, with its own baseline.
const health = rows.find((r) => r.route === "GET /health")!
const targets = {
  healthAtLeast80PercentOfBareKoa: (health.ratio as number) >= 0.8
}
console.log("targets:", targets)

const machine = {
  node: process.version,
  cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? "?"}`,
  commit: (() => { try { return execSync("git rev-parse --short HEAD", { cwd: root }).toString().trim() } catch { return "?" } })(),
  duration,
  connections,
  note: "load generator and both servers share the machine (2 cores, shared with other work): ratios are the figure to read"
}
writeFileSync(join(root, "bench/results/http.json"), JSON.stringify({ date: new Date().toISOString(), machine, throughput: rows, targets }, null, 2) + "\n")
const md = [
  "# bench/http.ts",
  "",
  `${machine.node}, ${machine.cpus}, commit ${machine.commit}; autocannon ${connections} connections x ${duration} s per row, from the bench process; servers are child processes on 127.0.0.1.`,
  "",
  "| route | bare Koa req/s | server req/s | ratio | server p50 ms | server p99 ms | non-2xx |",
  "|---|---:|---:|---:|---:|---:|---:|",
  ...rows.map((r) => `| ${r.route} | ${r.bareKoaRps} | ${r.serverRps} | ${r.ratio} | ${r.serverP50ms} | ${r.serverP99ms} | ${r.serverNon2xx} |`),
  "",
  `Target: /health ≥ 80 % of bare Koa: ${targets.healthAtLeast80PercentOfBareKoa}. Cold start: see coldstart.md (bench/coldstart.ts).`,
  ""
].join("\n")
writeFileSync(join(root, "bench/results/http.md"), md)
console.log("wrote bench/results/http.json and bench/results/http.md")
