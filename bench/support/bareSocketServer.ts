/**
 * The baseline of the realtime bench: a bare socket.io 4.8 server on node:http with no auth, no
 * domain and no store. A visitor's `message:send` is acknowledged at once and answered with a
 * started event, BARE_TOKENS deltas of BARE_TOKEN_TEXT in an emit loop, and done: the same event
 * shapes and counts our server sends. `/agent` sockets join one room; `broadcast` plays a reply to it.
 * Prints `listening on <url>`.
 */
import { createServer } from "node:http"
import { Server } from "socket.io"

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
io.of("/agent").on("connection", (socket) => { void socket.join("c") })
io.of("/visitor").on("connection", (socket) => {
  socket.on("message:send", (_payload: unknown, ack: (r: unknown) => void) => {
    ack({ ok: true, conversationId: id, messageId: id, duplicate: false })
    play((e) => socket.emit("chat:event", e))
  })
  socket.on("broadcast", (_payload: unknown, ack: (r: unknown) => void) => {
    ack({ ok: true })
    const room = io.of("/agent").to("c")
    play((e) => room.emit("chat:event", e))
  })
})
http.listen(0, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${(http.address() as { port: number }).port}`))
