import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { setTimeout as sleep } from "node:timers/promises"
import { fileURLToPath } from "node:url"

/** The checkout's root folder. */
export const root = fileURLToPath(new URL("../../", import.meta.url))
/** The compiled server (`npm run build`). */
export const serverMain = join(root, "packages/server/dist/main.js")

/** Fails with a hint when the compiled server is missing. */
export const requireBuild = () => {
  if (!existsSync(serverMain)) throw new Error("run `npm run build` first: the benches measure the compiled server")
}

const children = new Set<ChildProcess>()
process.on("exit", () => { for (const c of children) c.kill("SIGKILL") })
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130))

/** A child process of the bench, killed when the bench exits; `ulimit -n` raised for many sockets. */
export const startProcess = (args: ReadonlyArray<string>, env: Record<string, string | undefined> = {}, options: { readonly files?: number; readonly keepAll?: boolean } = {}) => {
  const inherited: Record<string, string | undefined> = { ...process.env }
  delete inherited.DATABASE_URL
  delete inherited.NODE_OPTIONS
  const quoted = [process.execPath, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ")
  const child = spawn("/bin/sh", ["-c", `ulimit -n ${options.files ?? 16384} 2>/dev/null || true; exec ${quoted}`], {
    cwd: root,
    env: { ...inherited, ...env },
    stdio: ["pipe", "pipe", "pipe"]
  })
  children.add(child)
  child.once("exit", () => children.delete(child))
  let output = ""
  let closed = false
  const keep = (b: Buffer) => { output = options.keepAll === true ? output + b.toString() : (output + b.toString()).slice(-20_000) }
  child.stdout!.on("data", keep)
  child.stderr!.on("data", keep)
  child.once("close", () => { closed = true })
  return { child, output: () => output, closed: () => closed }
}

/** Waits for a line matching `re` on the child's output. */
export const waitFor = async (p: { child: ChildProcess; output: () => string; closed: () => boolean }, re: RegExp, limitMs = 60_000) => {
  const t0 = performance.now()
  for (;;) {
    const m = re.exec(p.output())
    if (m !== null) return m
    if (p.closed()) throw new Error(`exited ${p.child.exitCode}: ${p.output().slice(-3000)}`)
    if (performance.now() - t0 > limitMs) throw new Error(`no ${re} within ${limitMs} ms: ${p.output()}`)
    await sleep(5)
  }
}

/** Starts one of the bench's own servers (a TypeScript file under `bench/support/`) and waits for its `listening on <url>` line. */
export const startListening = async (file: string, env: Record<string, string> = {}) => {
  const p = startProcess(["--conditions=source", "--import", "tsx", join(root, file)], env)
  return { ...p, url: (await waitFor(p, /listening on (http:\/\/\S+)/))[1]! }
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export const stopProcess = async (child: ChildProcess, graceMs = 10_000) => {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once("exit", resolve))
  child.kill("SIGTERM")
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs)
  await exited
  clearTimeout(timer)
}

/** Resident memory of a process, in bytes. */
export const rssOf = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024

const ticksPerSecond = 100
/** User + system CPU time a process has used so far, in ms. */
export const cpuMsOf = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ")
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond
}

/** The lowest RSS over `samples` readings `everyMs` apart (a collection in between is not memory in use). */
export const settledRss = async (pid: number, samples = 5, everyMs = 400) => {
  let low = Infinity
  for (let i = 0; i < samples; i++) {
    await sleep(everyMs)
    low = Math.min(low, rssOf(pid))
  }
  return low
}

// Below Linux's ephemeral range (32768–60999): thousands of load connections take their local
// ports from there, and a server told to listen on one of those fails with EADDRINUSE.
let port = 10_000 + Math.floor(Math.random() * 10_000)
/** A port number for a child to listen on (127.0.0.1), different every call. */
export const nextPort = () => port++

/** Polls `GET /health` until 200; the time from `t0`. */
export const firstHealthy = async (url: string, t0: number, limitMs = 60_000, everyMs = 2) => {
  for (;;) {
    try {
      const res = await fetch(`${url}/health`)
      await res.arrayBuffer()
      if (res.status === 200) return performance.now() - t0
    } catch { /* not listening yet */ }
    if (performance.now() - t0 > limitMs) throw new Error(`no /health 200 at ${url} within ${limitMs} ms`)
    await sleep(everyMs)
  }
}

/** The environment of a benched server: loopback, test mode, demo bot without delays, limits lifted. */
export const serverEnv = (port: number, dataDir: string, extra: Record<string, string> = {}): Record<string, string> => ({
  PORT: String(port),
  HOST: "127.0.0.1",
  NODE_ENV: "test",
  DATA_DIR: dataDir,
  JWT_SECRET: benchSecret,
  DEMO_TOKEN_DELAY_MIN_MS: "0",
  DEMO_TOKEN_DELAY_MAX_MS: "0",
  RATE_LIMIT_VISITOR: "1000000/60",
  RATE_LIMIT_IP: "1000000/60",
  SOCKET_RATE_BURST: "100000",
  SOCKET_RATE_PER_SECOND: "100000",
  ...extra
})

/** The JWT secret benched servers sign visitor tokens with (the load workers mint theirs). */
export const benchSecret = "bench-secret-bench-secret-bench-secret!!"

/**
 * Node flags from BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), given to the
 * benched server; a bench that compares it with a baseline process gives the baseline the same.
 */
export const serverNodeArgs = (): Array<string> => process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter((a) => a !== "") ?? []

/** Starts the compiled server (tsc output) and waits for its first /health 200. */
export const startServer = async (env: Record<string, string>, nodeArgs: ReadonlyArray<string> = []) => {
  const p = startProcess([...serverNodeArgs(), ...nodeArgs, serverMain], env)
  const url = `http://127.0.0.1:${env.PORT}`
  // A server that exits (or never answers) fails the bench with what it printed.
  let onExit = (_code: number | null, _signal: string | null) => {}
  const exited = new Promise<never>((_, reject) => { onExit = (code, signal) => reject(new Error(`server exited (${code ?? signal}) before /health`)) })
  p.child.once("exit", onExit)
  await Promise.race([firstHealthy(url, performance.now(), 90_000, 20), exited]).catch((error: Error) => {
    p.child.kill("SIGKILL")
    throw new Error(`${error.message}: ${p.output().slice(-3000)}`)
  }).finally(() => p.child.off("exit", onExit))
  return { ...p, url, pid: p.child.pid! }
}
