import { AppLive, Http } from "@chatbot-node/server"
import { ConfigProvider, Layer, ManagedRuntime } from "effect"
import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { io, type Socket } from "socket.io-client"

export const adminEmail = "agent@shop.example"
export const adminPassword = "correct horse battery"

const baseEnv = (dataDir: string): Record<string, string> => ({
  PORT: "0",
  HOST: "127.0.0.1",
  DATA_DIR: dataDir,
  NODE_ENV: "test",
  DEMO_TOKEN_DELAY_MIN_MS: "2",
  DEMO_TOKEN_DELAY_MAX_MS: "4",
  SHUTDOWN_GRACE: "2",
  ADMIN_EMAIL: adminEmail,
  ADMIN_PASSWORD: adminPassword,
  SOCKET_RATE_BURST: "200",
  SOCKET_RATE_PER_SECOND: "100"
})

/** A fresh data directory, removed by `removeDataDir`. */
export const makeDataDir = () => mkdtempSync(join(tmpdir(), "chatbot-realtime-test-"))
export const removeDataDir = (dir: string) => rmSync(dir, { recursive: true, force: true })

/** The real server in this process (PGlite under `dataDir` unless DATABASE_URL is given). */
export const startInProcess = async (dataDir: string, env: Record<string, string> = {}) => {
  const provider = ConfigProvider.fromMap(new Map(Object.entries({ ...baseEnv(dataDir), ...env })))
  const runtime = ManagedRuntime.make(AppLive.pipe(Layer.provide(Layer.setConfigProvider(provider))))
  const address = await runtime.runPromise(Http.HttpAddress)
  return { url: address.url, runtime, stop: () => runtime.dispose() }
}

const root = fileURLToPath(new URL("../../../../", import.meta.url))

/** The real server as a child process (`npm start`'s command); resolves once it listens. */
export const startProcess = (env: Record<string, string>) =>
  new Promise<{ url: string; child: ChildProcess; output: () => string; stop: () => Promise<void> }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", "packages/server/src/main.ts"], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    const stop = () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done()
        child.once("exit", () => done())
        child.kill("SIGTERM")
        setTimeout(() => child.kill("SIGKILL"), 8000).unref()
      })
    const timer = setTimeout(() => { void stop(); reject(new Error(`server did not start:\n${output}`)) }, 45_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match !== null) {
        clearTimeout(timer)
        resolve({ url: match[1]!, child, output: () => output, stop })
      }
    }
    child.stdout!.on("data", onData)
    child.stderr!.on("data", onData)
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${output}`)) })
  })

/** A visitor token for a new visitor of `shopId`. */
export const visitorToken = async (url: string, shopId: string) => {
  const res = await fetch(`${url}/api/visitor/session`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ shopId }) })
  if (res.status !== 201) throw new Error(`session: ${res.status} ${await res.text()}`)
  return (await res.json()) as { token: string; visitorId: string }
}

/** An admin token from `POST /api/auth/login`. */
export const adminToken = async (url: string) => {
  const res = await fetch(`${url}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email: adminEmail, password: adminPassword }) })
  if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { token: string }).token
}

/** A connected socket (websocket transport), or the connect error. */
export const connect = (url: string, nsp: "/visitor" | "/agent", auth: Record<string, unknown>, extraHeaders: Record<string, string> = {}) =>
  new Promise<Socket>((resolve, reject) => {
    const socket = io(`${url}${nsp}`, { auth, transports: ["websocket"], extraHeaders, reconnection: false, forceNew: true })
    socket.once("connect", () => resolve(socket))
    socket.once("connect_error", (error) => { socket.close(); reject(error) })
  })

/** Records every `chat:event` / `inbox:event` a socket receives and waits for one that matches. */
export const recorder = (socket: Socket, event: "chat:event" | "inbox:event" = "chat:event") => {
  const events: Array<any> = []
  const waiters: Array<{ test: (e: any) => boolean; resolve: (e: any) => void }> = []
  socket.on(event, (e: any) => {
    events.push(e)
    for (const w of [...waiters]) if (w.test(e)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(e) }
  })
  const next = (test: (e: any) => boolean, timeoutMs = 15_000, from = 0) =>
    new Promise<any>((resolve, reject) => {
      const found = events.slice(from).find(test)
      if (found !== undefined) return resolve(found)
      const timer = setTimeout(() => reject(new Error(`no matching ${event} in ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e._tag ?? e.event?._tag))}`)), timeoutMs)
      waiters.push({ test, resolve: (e) => { clearTimeout(timer); resolve(e) } })
    })
  return { events, next, clear: () => events.splice(0) }
}
