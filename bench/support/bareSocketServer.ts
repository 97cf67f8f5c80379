/**
 * The baseline of the realtime bench: a bare socket.io 4.8 server on node:http with no auth, no
 * domain and no store. A visitor's `message:send` is acknowledged at once and answered with a
 * started event, BARE_TOKENS deltas of BARE_TOKEN_TEXT in an emit loop, and done: the same event
 * shapes and counts our server sends. `/agent` sockets join one room; `broadcast` plays a reply to it.
 * With BARE_UPSTREAM (the Coze simulator's URL, BARE_PAT, BARE_BOT) it is instead a bare relay: each
 * `message:send` asks the simulator (`POST /v3/chat`, streamed) and emits every answer delta as it is
 * read, one event per delta, with no store, no auth and no checks.
 * Prints `listening on <url>`.
 */
import { createServer } from "node:http"
import { Server } from "socket.io"
import { sseFrames } from "./sseFrames.js"

const tokens = Number(process.env.BARE_TOKENS ?? 22)
const text = process.env.BARE_TOKEN_TEXT ?? "tokens"
const id = "BBBBBBBBBBBBBBBBBBBBBB"
let counter = 0

const http = createServer()
const io = new Server(http, { maxHttpBufferSize: 16 * 1024 })
const play = (emit: (event: unknown) => void) => {
  const replyId = `${id}${counter++}`
  emit({ _tag: "started", conversationId: id, messageId: id, replyId, locale: "en", botId: "demo" })
  for (let i = 0; i < tokens; i++) emit({ _tag: "delta", replyId, text })
  emit({ _tag: "done", conversationId: id, replyId, status: "complete" })
}
const upstream = process.env.BARE_UPSTREAM
/** Relays one streamed chat of the simulator: a delta event per `conversation.message.delta` of the answer. */
const relay = async (emit: (event: unknown) => void, user: string, text: string) => {
  const replyId = `${id}${counter++}`
  emit({ _tag: "started", conversationId: id, messageId: id, replyId, locale: "en", botId: "demo" })
  const res = await fetch(`${upstream}/v3/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${process.env.BARE_PAT}` },
    body: JSON.stringify({ bot_id: process.env.BARE_BOT, user_id: user, stream: true, additional_messages: [{ role: "user", content: text, content_type: "text" }] })
  })
  for await (const frames of sseFrames(res)) {
    for (const frame of frames) {
      if (!/^event:\s*conversation\.message\.delta$/m.test(frame)) continue
      const data = JSON.parse(/^data:\s?(.*)$/m.exec(frame)![1]!) as { type: string; content: string }
      if (data.type === "answer") emit({ _tag: "delta", replyId, text: data.content })
    }
  }
  emit({ _tag: "done", conversationId: id, replyId, status: "complete" })
}
io.of("/agent").on("connection", (socket) => { void socket.join("c") })
io.of("/visitor").on("connection", (socket) => {
  socket.on("message:send", (payload: { text?: string }, ack: (r: unknown) => void) => {
    ack({ ok: true, conversationId: id, messageId: id, duplicate: false })
    if (upstream === undefined) play((e) => socket.emit("chat:event", e))
    else void relay((e) => socket.emit("chat:event", e), socket.id, payload.text ?? "").catch((e: unknown) => socket.emit("chat:event", { _tag: "error", message: String(e) }))
  })
  socket.on("broadcast", (_payload: unknown, ack: (r: unknown) => void) => {
    ack({ ok: true })
    const room = io.of("/agent").to("c")
    play((e) => room.emit("chat:event", e))
  })
})
http.listen(0, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${(http.address() as { port: number }).port}`))
