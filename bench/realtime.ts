/**
 * Realtime over Socket.io: (1) concurrent idle visitor sockets and the server's RSS per socket
 * (the growth of the lowest settled RSS from 1000 to 1000 + N sockets),
 * (2) token events per second delivered to visitors, each against a bare socket.io 4.8 server (no
 * auth, no domain, one emit loop) measured in the same run. Both servers run as child processes;
 * the clients run here. Run: node --conditions=source --import tsx bench/realtime.ts [sockets]
 * Prints tables; writes bench/results/realtime.json and bench/results/realtime.md.
 */
import * as VisitorTokens from "../packages/adapters/src/koa/VisitorTokens.js"
import { Ids } from "../packages/domain/src/index.js"
import { Effect, Redacted } from "effect"
import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import { io, type Socket } from "socket.io-client"

const root = fileURLToPath(new URL("../", import.meta.url))
const secret = "bench-secret-bench-secret-bench-secret!!"
const idleSockets = Number(process.argv[2] ?? 5000)
const streamClients = 20
const repliesPerClient = 10
const replyId = "BBBBBBBBBBBBBBBBBBBBBB"

// ---- the bare server (this file run with --bare) ----------------------------------------------
if (process.argv.includes("--bare")) {
  const { Server } = await import("socket.io")
  const { createServer } = await import("node:http")
  const http = createServer()
  const ioServer = new Server(http, { maxHttpBufferSize: 16 * 1024 })
  ioServer.of("/agent").on("connection", (socket) => { socket.join("c") })
  ioServer.of("/visitor").on("connection", (socket) => {
    socket.on("broadcast", (payload: { texts: Array<string> }, ack: (r: unknown) => void) => {
      ack({ ok: true })
      const room = ioServer.of("/agent").to("c")
      room.emit("chat:event", { _tag: "started", conversationId: replyId, messageId: replyId, replyId, locale: "en", botId: "demo" })
      for (const text of payload.texts) room.emit("chat:event", { _tag: "delta", replyId, text })
      room.emit("chat:event", { _tag: "done", conversationId: replyId, replyId, status: "complete" })
    })
    socket.on("go", (payload: { texts: Array<string> }, ack: (r: unknown) => void) => {
      ack({ ok: true })
      socket.emit("chat:event", { _tag: "started", conversationId: replyId, messageId: replyId, replyId, locale: "en", botId: "demo" })
      for (const text of payload.texts) socket.emit("chat:event", { _tag: "delta", replyId, text })
      socket.emit("chat:event", { _tag: "done", conversationId: replyId, replyId, status: "complete" })
    })
  })
  http.listen(0, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${(http.address() as { port: number }).port}`))
  await new Promise(() => {})
}

// ---- helpers ----------------------------------------------------------------------------------
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024

const start = (args: Array<string>, env: Record<string, string>) =>
  new Promise<{ url: string; child: ChildProcess }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    const onData = (b: Buffer) => {
      out += b.toString()
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m) resolve({ url: m[1]!, child })
    }
    child.stdout!.on("data", onData)
    child.stderr!.on("data", onData)
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${out}`)))
  })

const stop = (child: ChildProcess) => new Promise<void>((resolve) => {
  if (child.exitCode !== null) return resolve()
  child.once("exit", () => resolve())
  child.kill("SIGTERM")
  setTimeout(() => child.kill("SIGKILL"), 5000).unref()
})

const connectOne = (url: string, auth: Record<string, unknown>, nsp = "/visitor") =>
  new Promise<Socket>((resolve, reject) => {
    const s = io(`${url}${nsp}`, { auth, transports: ["websocket"], forceNew: true, reconnection: false })
    s.once("connect", () => resolve(s))
    s.once("connect_error", reject)
  })

const connectMany = async (url: string, count: number, auth: (i: number) => Promise<Record<string, unknown>>, nsp = "/visitor") => {
  const sockets: Array<Socket> = []
  for (let i = 0; i < count; i += 100) {
    const batch = await Promise.all(Array.from({ length: Math.min(100, count - i) }, async (_, j) => connectOne(url, await auth(i + j), nsp)))
    sockets.push(...batch)
  }
  return sockets
}

const settle = async () => {
  await new Promise((r) => setTimeout(r, 2000))
}

/** The lowest RSS over 6 samples a second apart: a collection in between does not count as memory. */
const settledRss = async (pid: number) => {
  let low = Infinity
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 1000))
    low = Math.min(low, rssOf(pid))
  }
  return low
}

const tokens = VisitorTokens.make({ secret: Redacted.make(secret), ttl: "1 day" })
const tokenFor = (i: number) =>
  Effect.runPromise(tokens.issue({ shopId: Ids.ShopId.make("bench"), visitorId: Ids.VisitorId.make(`vt-bench-${i}`) })).then((t) => ({ token: t.token }))

/** Idle sockets: the server's RSS before and after `count` connect, per socket. */
const idle = async (name: string, url: string, pid: number, count: number, auth: (i: number) => Promise<Record<string, unknown>>) => {
  // 1000 sockets first: start-up garbage is collected under their allocations, not during the measure.
  const warm = await connectMany(url, 1000, auth)
  const before = await settledRss(pid)
  const t0 = performance.now()
  const sockets = await connectMany(url, count, (i) => auth(i + 1000))
  const connectMs = performance.now() - t0
  const after = await settledRss(pid)
  const connected = sockets.filter((s) => s.connected).length
  for (const s of [...warm, ...sockets]) s.close()
  await settle()
  return { name, sockets: connected, rssBeforeMB: before / 1e6, rssAfterMB: after / 1e6, bytesPerSocket: Math.round((after - before) / connected), connectPerSecond: Math.round(connected / (connectMs / 1000)) }
}

/** Token events: `streamClients` visitors each get `repliesPerClient` replies, one after another. */
const stream = async (name: string, sockets: Array<Socket>, ask: (s: Socket, i: number, r: number) => Promise<unknown>) => {
  let deltas = 0
  let events = 0
  const texts: Array<string> = []
  const t0 = performance.now()
  await Promise.all(sockets.map(async (s, i) => {
    for (let r = 0; r < repliesPerClient; r++) {
      const done = new Promise<void>((resolve) => {
        const on = (e: any) => {
          events++
          if (e._tag === "delta") { deltas++; if (texts.length < 2000) texts.push(e.text) }
          if (e._tag === "done") { s.off("chat:event", on); resolve() }
        }
        s.on("chat:event", on)
      })
      await ask(s, i, r)
      await done
    }
  }))
  const seconds = (performance.now() - t0) / 1000
  return { name, replies: sockets.length * repliesPerClient, deltas, events, seconds, deltasPerSecond: Math.round(deltas / seconds), texts }
}

// ---- run --------------------------------------------------------------------------------------
const dataDir = mkdtempSync(join(os.tmpdir(), "chatbot-bench-rt-"))
const ours = await start(["packages/server/src/main.ts"], {
  PORT: "0", HOST: "127.0.0.1", NODE_ENV: "test", DATA_DIR: dataDir, JWT_SECRET: secret,
  DEMO_TOKEN_DELAY_MIN_MS: "0", DEMO_TOKEN_DELAY_MAX_MS: "0", SOCKET_RATE_BURST: "1000", SOCKET_RATE_PER_SECOND: "1000",
  ADMIN_EMAIL: "bench@shop.example", ADMIN_PASSWORD: "bench-password-123", RATE_LIMIT_VISITOR: "1000000/60", RATE_LIMIT_IP: "1000000/60"
})
const bare = await start([fileURLToPath(import.meta.url), "--bare"], {})
try {
  await new Promise((r) => setTimeout(r, 5000))
  const idleOurs = await idle("chatbot-node /visitor (token, Origin, session)", ours.url, ours.child.pid!, idleSockets, tokenFor)
  const idleBare = await idle("bare socket.io", bare.url, bare.child.pid!, idleSockets, async () => ({}))

  const oursSockets = await connectMany(ours.url, streamClients, (i) => tokenFor(100_000 + i))
  const conversations = new Map<Socket, string>()
  const streamOurs = await stream("chatbot-node (demo bot, no delay, PGlite)", oursSockets, async (s, i, r) => {
    const ack: any = await s.emitWithAck("message:send", { text: "do you have running shoes?", clientMessageId: `b-${i}-${r}`, ...(conversations.has(s) ? { conversationId: conversations.get(s) } : {}) })
    if (!ack.ok) throw new Error(JSON.stringify(ack))
    conversations.set(s, ack.conversationId)
  })
  // The same turns over the server's SSE route: what the application itself allows, without Socket.io.
  const sseTokens = await Promise.all(Array.from({ length: streamClients }, (_, i) => tokenFor(300_000 + i)))
  const sseT0 = performance.now()
  let sseDeltas = 0
  await Promise.all(sseTokens.map(async ({ token }, i) => {
    let conversationId: string | undefined
    for (let r = 0; r < repliesPerClient; r++) {
      const res = await fetch(`${ours.url}/api/coze/chat/stream`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Authorization": `Bearer ${token}` },
        body: JSON.stringify({ shopId: "bench", message: "do you have running shoes?", clientMessageId: `s-${i}-${r}`, ...(conversationId ? { conversationId } : {}) })
      })
      const text = await res.text()
      sseDeltas += (text.match(/^event: delta$/gm) ?? []).length
      conversationId ??= /"conversationId":"([A-Za-z0-9_-]{22})"/.exec(text)?.[1]
    }
  }))
  const sseSeconds = (performance.now() - sseT0) / 1000
  const streamSse = { name: "chatbot-node over SSE (same turns, no Socket.io)", replies: streamClients * repliesPerClient, deltas: sseDeltas, events: sseDeltas, seconds: sseSeconds, deltasPerSecond: Math.round(sseDeltas / sseSeconds), texts: [] as Array<string> }

  const perReply = Math.round(streamOurs.deltas / streamOurs.replies)
  const sample = streamOurs.texts.slice(0, perReply)
  const bareSockets = await connectMany(bare.url, streamClients, async () => ({}))
  const streamBare = await stream("bare socket.io (emit loop)", bareSockets, (s) => s.emitWithAck("go", { texts: sample }))
  for (const s of [...oursSockets, ...bareSockets]) s.close()

  // Fan-out: one visitor's replies watched live by `watchers` agents (the agent namespace, the hub).
  const login = await fetch(`${ours.url}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email: "bench@shop.example", password: "bench-password-123" }) })
  const adminToken = ((await login.json()) as { token: string }).token
  const watchers = 50
  const fanReplies = 20
  const asker = await connectOne(ours.url, await tokenFor(200_000))
  const first: any = await asker.emitWithAck("message:send", { text: "hello", clientMessageId: "fan-0" })
  await new Promise<void>((resolve) => { const on = (e: any) => { if (e._tag === "done") { asker.off("chat:event", on); resolve() } }; asker.on("chat:event", on) })
  const agents = await connectMany(ours.url, watchers, async () => ({ token: adminToken }), "/agent")
  await Promise.all(agents.map((a) => a.emitWithAck("watch", { conversationId: first.conversationId })))
  const fan = async (name: string, sockets: Array<Socket>, ask: (r: number) => Promise<unknown>) => {
    let deltas = 0
    const t0 = performance.now()
    for (let r = 0; r < fanReplies; r++) {
      const all = Promise.all(sockets.map((a) => new Promise<void>((resolve) => {
        const on = (e: any) => { if (e._tag === "delta") deltas++; if (e._tag === "done") { a.off("chat:event", on); resolve() } }
        a.on("chat:event", on)
      })))
      await ask(r)
      await all
    }
    const seconds = (performance.now() - t0) / 1000
    return { name, replies: fanReplies, deltas, seconds, deltasPerSecond: Math.round(deltas / seconds) }
  }
  const fanOurs = await fan(`chatbot-node, ${watchers} agents watching`, agents, (r) => asker.emitWithAck("message:send", { text: "do you have running shoes?", clientMessageId: `fan-${r + 1}`, conversationId: first.conversationId }))
  const bareAgents = await connectMany(bare.url, watchers, async () => ({}), "/agent")
  const bareAsker = await connectOne(bare.url, {})
  const fanBare = await fan(`bare socket.io, ${watchers} sockets in a room`, bareAgents, () => bareAsker.emitWithAck("broadcast", { texts: sample }))
  for (const s of [...agents, ...bareAgents, asker, bareAsker]) s.close()
  const fanRatio = fanOurs.deltasPerSecond / fanBare.deltasPerSecond

  const ratio = streamOurs.deltasPerSecond / streamBare.deltasPerSecond
  console.log(`\nIdle visitor sockets (${idleSockets}), server RSS`)
  console.table([idleOurs, idleBare].map((r) => ({ server: r.name, sockets: r.sockets, "RSS before MB": r.rssBeforeMB.toFixed(1), "RSS after MB": r.rssAfterMB.toFixed(1), "KB/socket": (r.bytesPerSocket / 1024).toFixed(1), "connects/s": r.connectPerSecond })))
  console.log(`\nToken events delivered (${streamClients} visitors x ${repliesPerClient} replies, ~${perReply} deltas each)`)
  console.table([streamOurs, streamSse, streamBare].map((r) => ({ server: r.name, replies: r.replies, deltas: r.deltas, seconds: r.seconds.toFixed(2), "deltas/s": r.deltasPerSecond })))
  console.log(`Socket.io vs the same server's SSE: ${((streamOurs.deltasPerSecond / streamSse.deltasPerSecond) * 100).toFixed(1)} %`)
  console.log(`ratio ours/bare: ${(ratio * 100).toFixed(1)} %  (target >= 70 %)`)
  console.log(`\nFan-out to agents watching one conversation (${fanReplies} replies)`)
  console.table([fanOurs, fanBare].map((r) => ({ server: r.name, replies: r.replies, "deltas delivered": r.deltas, seconds: r.seconds.toFixed(2), "deltas/s": r.deltasPerSecond })))
  console.log(`fan-out ratio ours/bare: ${(fanRatio * 100).toFixed(1)} %`)
  console.log(`KB per idle socket: ${(idleOurs.bytesPerSocket / 1024).toFixed(1)} (target < 30), bare ${(idleBare.bytesPerSocket / 1024).toFixed(1)}`)

  const strip = ({ texts: _t, ...rest }: typeof streamOurs) => rest
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, totalMemGB: Math.round(os.totalmem() / 1e9) },
    idle: { sockets: idleSockets, ours: idleOurs, bare: idleBare, targetKBPerSocket: 30 },
    tokenEvents: { clients: streamClients, repliesPerClient, deltasPerReply: perReply, ours: strip(streamOurs), sse: strip(streamSse), bare: strip(streamBare), ratio, target: 0.7, ratioToSse: streamOurs.deltasPerSecond / streamSse.deltasPerSecond },
    fanOut: { watchers, replies: fanReplies, ours: fanOurs, bare: fanBare, ratio: fanRatio }
  }
  writeFileSync(join(root, "bench/results/realtime.json"), JSON.stringify(result, null, 2) + "\n")
  writeFileSync(join(root, "bench/results/realtime.md"), [
    `# bench/realtime.ts (${result.date}, ${result.machine.cpus} CPUs, Node ${result.machine.node})`, "",
    `| idle visitor sockets | sockets | RSS before MB | RSS after MB | KB/socket | connects/s |`, `|---|---|---|---|---|---|`,
    ...[idleOurs, idleBare].map((r) => `| ${r.name} | ${r.sockets} | ${r.rssBeforeMB.toFixed(1)} | ${r.rssAfterMB.toFixed(1)} | ${(r.bytesPerSocket / 1024).toFixed(1)} | ${r.connectPerSecond} |`), "",
    `| token events | replies | deltas | seconds | deltas/s |`, `|---|---|---|---|---|`,
    ...[streamOurs, streamSse, streamBare].map((r) => `| ${r.name} | ${r.replies} | ${r.deltas} | ${r.seconds.toFixed(2)} | ${r.deltasPerSecond} |`), "",
    `| fan-out to watching agents | replies | deltas delivered | seconds | deltas/s |`, `|---|---|---|---|---|`,
    ...[fanOurs, fanBare].map((r) => `| ${r.name} | ${r.replies} | ${r.deltas} | ${r.seconds.toFixed(2)} | ${r.deltasPerSecond} |`), "",
    `Token events ratio ours/bare: ${(ratio * 100).toFixed(1)} % (target ≥ 70 %); Socket.io vs the same server's SSE ${((streamOurs.deltasPerSecond / streamSse.deltasPerSecond) * 100).toFixed(1)} %; fan-out ratio ${(fanRatio * 100).toFixed(1)} %. Per idle socket: ${(idleOurs.bytesPerSocket / 1024).toFixed(1)} KB (target < 30 KB).`, ""
  ].join("\n"))
} finally {
  await Promise.all([stop(ours.child), stop(bare.child)])
  rmSync(dataDir, { recursive: true, force: true })
}
process.exit(0)
