/**
 * The load generator, run as its own process (`runStreams`, `holdIdle`): chat streams over SSE,
 * Socket.io or straight from the Coze simulator, or idle SSE streams / sockets held open until told
 * to close. It takes its specs on stdin for as long as stdin is open (the protocol at the end).
 * Sends only to 127.0.0.1.
 */
import { Effect, Redacted } from "effect"
import { request, type IncomingMessage } from "node:http"
import { performance } from "node:perf_hooks"
import { setTimeout as sleep } from "node:timers/promises"
import { createInterface } from "node:readline"
import { io, type Socket } from "socket.io-client"
import * as VisitorTokens from "../../packages/adapters/src/koa/VisitorTokens.js"
import { sseFrames } from "./sseFrames.js"
import { Ids } from "../../packages/domain/src/index.js"

/** What the worker is asked to do. */
export type LoadSpec =
  | {
    readonly mode: "streams"
    readonly transport: "sse" | "socketio" | "coze"
    readonly url: string
    readonly concurrency: number
    readonly rounds: number
    /** The first round's number (default 0), for a run that goes on from an earlier one's rounds: a round's number picks its arrival delays and message ids. */
    readonly firstRound?: number | undefined
    readonly timeLimitMs: number
    readonly message: string
    readonly tag: string
    readonly secret?: string | undefined
    readonly cozeBotId?: string | undefined
    readonly pat?: string | undefined
    /** `continue`: a visitor's later messages go on in the conversation its first one opened, as the widget's do; default `new` (each opens one). */
    readonly conversations?: "new" | "continue" | undefined
    /**
     * Arrivals spread out, as visitors' are: each stream waits up to this long (a fixed pseudo-random
     * share per stream and round, the same in every run) before each message. Default 0: the streams
     * send in step, each round's messages together.
     */
    readonly spreadMs?: number | undefined
    /** For a throughput run: each stream sends its next message as soon as its reply ends, not waiting for the others' (no rounds in step). */
    readonly eachOnItsOwn?: boolean | undefined
  }
  | { readonly mode: "idle-sse"; readonly url: string; readonly path: string; readonly count: number }
  | { readonly mode: "idle-socket"; readonly url: string; readonly count: number; readonly secret: string; readonly tag: string }

/** Timings of chat streams: time to first and last token from the request, gaps between tokens. */
export interface StreamsResult {
  readonly ttftMs: Array<number>
  readonly ttltMs: Array<number>
  readonly gapsMs: Array<number>
  /** Token events received (a server may carry several of the bot's tokens in one). */
  readonly tokens: number
  /** Characters of reply text those events carried. */
  readonly chars: number
  readonly streams: number
  readonly errors: number
  readonly firstError?: string | undefined
  readonly elapsedMs: number
}

const assertLoopback = (url: string) => {
  if (new URL(url).hostname !== "127.0.0.1") throw new Error(`load goes to 127.0.0.1 only, not ${url}`)
}

/** A stream's wait before its message of `round`: spread over [0, spreadMs), the same in every run (Weyl sequence). */
const arrivalDelay = (worker: number, round: number, spreadMs: number) => (((worker * 0.618034 + round * 0.414214) % 1) * spreadMs)

const tokenFor = (secret: string, visitor: string) =>
  Effect.runPromise(
    VisitorTokens.make({ secret: Redacted.make(secret), ttl: "1 day" }).issue({ shopId: Ids.ShopId.make("bench"), visitorId: Ids.VisitorId.make(visitor) })
  ).then((t) => t.token)

/** Reads an SSE body, calling `onToken(n, chars)` with the number of token events in each chunk and the characters of text they carry. */
const readSse = async (
  res: Response,
  isToken: RegExp,
  textOf: (data: { text?: string; content?: string }) => string | undefined,
  onToken: (n: number, chars: number) => void,
  onConversation: (conversationId: string) => void
) => {
  for await (const frames of sseFrames(res)) {
    let n = 0
    let chars = 0
    for (const f of frames) {
      if (/^event: started$/m.test(f)) {
        const started = JSON.parse(/^data: ?(.*)$/m.exec(f)?.[1] ?? "{}") as { conversationId?: string }
        if (started.conversationId !== undefined) onConversation(started.conversationId)
      }
      if (!isToken.test(f)) continue
      n++
      const data = /^data: ?(.*)$/m.exec(f)
      chars += data === null ? 0 : (textOf(JSON.parse(data[1]!)) ?? "").length
    }
    if (n > 0) onToken(n, chars)
  }
}

const streams = async (spec: Extract<LoadSpec, { mode: "streams" }>): Promise<StreamsResult> => {
  assertLoopback(spec.url)
  const result: StreamsResult = { ttftMs: [], ttltMs: [], gapsMs: [], tokens: 0, chars: 0, streams: 0, errors: 0, elapsedMs: 0 }
  const fail = (e: unknown) => {
    ;(result as { errors: number }).errors++
    ;(result as { firstError?: string }).firstError ??= String(e)
  }
  const track = (started: number) => {
    let last: number | undefined
    return {
      token: (n: number, chars: number) => {
        const now = performance.now()
        if (last === undefined) result.ttftMs.push(now - started)
        else result.gapsMs.push(now - last)
        for (let i = 1; i < n; i++) result.gapsMs.push(0)
        last = now
        ;(result as { tokens: number }).tokens += n
        ;(result as { chars: number }).chars += chars
      },
      end: () => {
        if (last === undefined) throw new Error("the stream ended without a token")
        result.ttltMs.push(last - started)
        ;(result as { streams: number }).streams++
      }
    }
  }
  // With `continue`, a visitor goes on in the conversation its first message opened, as the widget does (it keeps the id).
  const conversations = new Map<number, string>()
  const one = async (worker: number, round: number, socket: Socket | undefined, token: string | undefined) => {
    const conversationId = spec.conversations === "continue" ? conversations.get(worker) : undefined
    const started = performance.now()
    const t = track(started)
    if (spec.transport === "socketio") {
      await new Promise<void>((resolve, reject) => {
        const on = (e: { _tag: string; text?: string }) => {
          if (e._tag === "delta") t.token(1, e.text?.length ?? 0)
          if (e._tag === "done") { socket!.off("chat:event", on); resolve() }
        }
        socket!.on("chat:event", on)
        socket!.timeout(60_000).emitWithAck("message:send", { text: spec.message, clientMessageId: `${spec.tag}-${worker}-${round}`, ...(conversationId === undefined ? {} : { conversationId }) })
          .then((ack: { ok: boolean; conversationId?: string }) => {
            if (!ack.ok) { socket!.off("chat:event", on); reject(new Error(JSON.stringify(ack))) }
            else if (ack.conversationId !== undefined) conversations.set(worker, ack.conversationId)
          }, reject)
      })
      return t.end()
    }
    const res = spec.transport === "sse"
      ? await fetch(`${spec.url}/api/coze/chat/stream`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ shopId: "bench", message: spec.message, ...(conversationId === undefined ? {} : { conversationId }) })
      })
      : await fetch(`${spec.url}/v3/chat`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${spec.pat}` },
        body: JSON.stringify({ bot_id: spec.cozeBotId, user_id: `${spec.tag}-${worker}`, stream: true, additional_messages: [{ role: "user", content: spec.message, content_type: "text" }] })
      })
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`)
    await readSse(res, spec.transport === "sse" ? /^event: delta$/m : /^event:\s*conversation\.message\.delta$/m, (d) => (spec.transport === "sse" ? d.text : d.content), t.token, (opened) => conversations.set(worker, opened))
    t.end()
  }
  // Each stream is a visitor with a token, as the widget's: sent with every SSE message, or checked once when the socket connects.
  const tokens = spec.transport === "coze" ? [] : await Promise.all(Array.from({ length: spec.concurrency }, (_, worker) => tokenFor(spec.secret!, `vt-${spec.tag}-${worker}`)))
  // Sockets connect (handshake and token check) before the clock starts: the rate is of replies, not of connections.
  const sockets = spec.transport !== "socketio" ? [] : await Promise.all(tokens.map((token) => {
    return new Promise<Socket>((resolve, reject) => {
      const s = io(`${spec.url}/visitor`, { auth: { token }, transports: ["websocket"], forceNew: true, reconnection: false })
      s.once("connect", () => resolve(s))
      s.once("connect_error", reject)
    })
  }))
  const t0 = performance.now()
  const deadline = t0 + spec.timeLimitMs
  const workers = Array.from({ length: spec.concurrency }, (_, worker) => worker)
  const spreadMs = spec.spreadMs ?? 0
  const first = spec.firstRound ?? 0
  const end = first + spec.rounds
  if (spreadMs > 0 || spec.eachOnItsOwn === true) {
    // Each stream at its own pace, waiting its share of the spread (if any) before each message.
    await Promise.all(workers.map(async (worker) => {
      for (let round = first; round < end && performance.now() < deadline; round++) {
        if (spreadMs > 0) await sleep(arrivalDelay(worker, round, spreadMs))
        await one(worker, round, sockets[worker], tokens[worker]).catch(fail)
      }
    }))
  } else {
    // In step: a round's messages leave together, once every stream has finished the round before
    // (streams left to themselves drift apart by their replies' lengths within a round or two).
    for (let round = first; round < end && performance.now() < deadline; round++) {
      await Promise.all(workers.map((worker) => one(worker, round, sockets[worker], tokens[worker]).catch(fail)))
    }
  }
  ;(result as { elapsedMs: number }).elapsedMs = performance.now() - t0
  for (const socket of sockets) socket.close()
  return result
}

/** Holds idle connections until `closed`, after writing `ready(n)`. */
type Hold<S> = (spec: S, ready: (open: number) => void, closed: Promise<void>) => Promise<{ open: number }>

const idleSse: Hold<Extract<LoadSpec, { mode: "idle-sse" }>> = async (spec, ready, closed) => {
  assertLoopback(spec.url)
  const open: Array<IncomingMessage> = []
  const target = new URL(spec.path, spec.url)
  for (let i = 0; i < spec.count; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, spec.count - i) }, () =>
      new Promise<void>((resolve, reject) => {
        const req = request(target, { agent: false, headers: { accept: "text/event-stream" } }, (res) => {
          if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`))
          open.push(res)
          res.once("data", () => resolve())
          res.on("data", () => {})
        })
        req.once("error", reject)
        req.end()
      })))
  }
  ready(open.length)
  await closed
  for (const res of open) res.destroy()
  return { open: open.length }
}

const idleSocket: Hold<Extract<LoadSpec, { mode: "idle-socket" }>> = async (spec, ready, closed) => {
  assertLoopback(spec.url)
  const sockets: Array<Socket> = []
  for (let i = 0; i < spec.count; i += 100) {
    sockets.push(...await Promise.all(Array.from({ length: Math.min(100, spec.count - i) }, async (_, j) => {
      const token = await tokenFor(spec.secret, `vt-${spec.tag}-${i + j}`)
      return new Promise<Socket>((resolve, reject) => {
        const s = io(`${spec.url}/visitor`, { auth: { token }, transports: ["websocket"], forceNew: true, reconnection: false })
        s.once("connect", () => resolve(s))
        s.once("connect_error", reject)
      })
    })))
  }
  ready(sockets.length)
  await closed
  for (const s of sockets) s.close()
  return { open: sockets.length }
}

// One process for a whole bench (starting one with tsx takes 1–2.5 s, more than a short run). Each
// stdin line is `<id> <spec>`, answered by `RESULT <id> <result>`; a hold of idle connections first
// answers `READY <id> <open>`, and ends at the line `close <id>`. Several holds may be open at once.
const closers = new Map<string, () => void>()
const answer = (id: string, result: unknown) => process.stdout.write(`RESULT ${id} ${JSON.stringify(result)}\n`)
const failed = (id: string) => (error: unknown) => answer(id, { failed: String(error) })
for await (const line of createInterface({ input: process.stdin })) {
  const [id, ...rest] = line.trim().split(" ")
  if (id === undefined || id === "") continue
  if (id === "close") {
    closers.get(rest[0]!)?.()
    continue
  }
  const spec = JSON.parse(rest.join(" ")) as LoadSpec
  if (spec.mode === "streams") {
    streams(spec).then((result) => answer(id, result), failed(id))
    continue
  }
  const closed = new Promise<void>((resolve) => closers.set(id, resolve))
  const ready = (open: number) => process.stdout.write(`READY ${id} ${open}\n`)
  ;(spec.mode === "idle-sse" ? idleSse(spec, ready, closed) : idleSocket(spec, ready, closed))
    .then((result) => answer(id, result), failed(id))
    .finally(() => closers.delete(id))
}
process.exit(0)
