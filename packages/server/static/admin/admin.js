// The agent inbox: sign in, see live and recent conversations, watch one, take over, reply,
// hand back, close. Plain ES module over the `/agent` Socket.io namespace; no build step.
import { io } from "/socket.io/socket.io.esm.min.js"

const $ = (id) => document.getElementById(id)
const state = { token: sessionStorage.getItem("adminToken"), socket: null, items: new Map(), current: null, messages: new Map(), streams: new Map() }
const labels = { bot: "bot", "waiting-for-agent": "waiting", agent: "agent", closed: "closed" }

const text = (tag, value, className) => {
  const el = document.createElement(tag)
  el.textContent = value
  if (className) el.className = className
  return el
}

async function login(event) {
  event.preventDefault()
  $("login-error").textContent = ""
  const res = await fetch("/api/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: $("email").value, password: $("password").value })
  })
  const body = await res.json().catch(() => ({}))
  if (!res.ok) return void ($("login-error").textContent = body.error?.message ?? "Sign-in failed.")
  state.token = body.token
  sessionStorage.setItem("adminToken", body.token)
  $("who").textContent = `${body.admin.name} (${body.admin.email})`
  connect()
}

function logout() {
  sessionStorage.removeItem("adminToken")
  state.socket?.disconnect()
  location.reload()
}

function connect() {
  $("login").hidden = true
  $("app").hidden = false
  $("logout").hidden = false
  const socket = io("/agent", { auth: { token: state.token }, transports: ["websocket"] })
  state.socket = socket
  socket.on("connect", () => {
    $("status").textContent = "Connected."
    loadInbox()
    if (state.current) watch(state.current)
  })
  socket.on("disconnect", () => void ($("status").textContent = "Reconnecting…"))
  socket.on("connect_error", (error) => {
    if (error.data?.code === "unauthorized") {
      sessionStorage.removeItem("adminToken")
      socket.disconnect()
      $("app").hidden = true
      $("login").hidden = false
      $("login-error").textContent = "Please sign in again."
    } else $("status").textContent = "Cannot reach the server; retrying…"
  })
  socket.on("inbox:event", onInboxEvent)
  socket.on("chat:event", onChatEvent)
}

function loadInbox() {
  const shopId = $("shop").value.trim()
  state.socket.emit("inbox", shopId ? { shopId, limit: 50 } : { limit: 50 }, (ack) => {
    if (!ack.ok) return void ($("status").textContent = ack.error.message)
    state.items = new Map(ack.items.map((item) => [item.id, item]))
    renderInbox()
  })
}

function onInboxEvent({ conversationId, shopId, event }) {
  const item = state.items.get(conversationId)
  if (!item) {
    if (event._tag === "started" || event._tag === "message") loadInbox()
    return
  }
  if (event._tag === "status") item.status = event.status
  if (event._tag === "message" && event.message.text) item.lastMessageText = event.message.text
  item.updatedAt = new Date().toISOString()
  item.shopId = shopId
  renderInbox()
}

function renderInbox() {
  const rank = (s) => (s === "waiting-for-agent" ? 0 : s === "agent" ? 1 : s === "bot" ? 2 : 3)
  const items = [...state.items.values()].sort((a, b) => rank(a.status) - rank(b.status) || b.updatedAt.localeCompare(a.updatedAt))
  const list = $("conversations")
  list.replaceChildren(...items.map((item) => {
    const li = document.createElement("li")
    if (item.status === "waiting-for-agent") li.className = "waiting"
    const button = document.createElement("button")
    button.type = "button"
    button.dataset.id = item.id
    button.setAttribute("aria-current", String(item.id === state.current))
    button.append(text("strong", `${item.shopId} · ${item.visitorId.slice(0, 14)}`), text("span", labels[item.status] ?? item.status, "badge"),
      document.createElement("br"), text("span", (item.lastMessageText ?? "").slice(0, 80)))
    button.addEventListener("click", () => watch(item.id))
    li.append(button)
    return li
  }))
  $("status").textContent = `${items.length} conversations, ${items.filter((i) => i.status === "waiting-for-agent").length} waiting for an agent.`
}

function watch(id) {
  if (state.current && state.current !== id) state.socket.emit("unwatch", { conversationId: state.current }, () => {})
  state.current = id
  visitorTyping(false)
  state.socket.emit("watch", { conversationId: id }, (ack) => {
    if (!ack.ok) return void ($("status").textContent = ack.error.message)
    state.messages = new Map(ack.messages.map((m) => [m.id, m]))
    state.streams = new Map()
    state.items.set(id, { ...(state.items.get(id) ?? {}), ...ack.conversation })
    renderConversation()
    renderInbox()
  })
}

// The visitor's typing shows until their message, or for a few seconds after each ping (the widget sends one every 3 s while they type).
let visitorTypingTimer
function visitorTyping(on) {
  clearTimeout(visitorTypingTimer)
  $("typing").textContent = on ? "The visitor is typing…" : ""
  if (on) visitorTypingTimer = setTimeout(() => visitorTyping(false), 7000)
}

function onChatEvent(event) {
  if (event.conversationId && event.conversationId !== state.current) return
  switch (event._tag) {
    case "delta":
      state.streams.set(event.replyId, (state.streams.get(event.replyId) ?? "") + event.text)
      break
    case "message":
      if (event.message.conversationId !== state.current) return
      if (event.message.role === "visitor") visitorTyping(false)
      state.messages.set(event.message.id, event.message)
      state.streams.delete(event.message.id)
      break
    case "status": {
      const item = state.items.get(state.current)
      if (item) item.status = event.status
      break
    }
    case "typing":
      if (event.from === "visitor") visitorTyping(event.typing)
      return
    default:
      return
  }
  renderConversation()
}

function renderConversation() {
  const item = state.items.get(state.current)
  if (!item) return
  $("conv-title").textContent = `Conversation with ${item.visitorId}`
  $("conv-state").textContent = `Shop ${item.shopId} · ${labels[item.status] ?? item.status}`
  const mine = item.status === "agent"
  $("takeover").disabled = item.status === "agent" || item.status === "closed"
  $("handback").disabled = !mine
  $("close").disabled = item.status === "closed"
  $("reply-text").disabled = !mine
  $("send").disabled = !mine
  const rows = [...state.messages.values()].sort((a, b) => a.seq - b.seq).map((m) => {
    const li = text("li", "", m.role)
    li.append(text("span", m.role, "who"), document.createTextNode(m.status === "streaming" ? state.streams.get(m.id) ?? "" : m.text))
    if (m.products?.length) li.append(text("small", ` · products: ${m.products.map((p) => p.name).join(", ")}`))
    if (m.status === "interrupted" || m.status === "failed") li.append(text("small", ` (${m.status})`))
    return li
  })
  for (const [id, streamed] of state.streams) {
    if (state.messages.has(id)) continue
    const li = text("li", "", "bot")
    li.append(text("span", "bot", "who"), document.createTextNode(streamed))
    rows.push(li)
  }
  $("transcript").replaceChildren(...rows)
  $("transcript").scrollTop = $("transcript").scrollHeight
}

const step = (name) => () =>
  state.socket.emit(name, { conversationId: state.current }, (ack) => {
    if (!ack.ok) return void ($("reply-error").textContent = ack.error.message)
    $("reply-error").textContent = ""
    const item = state.items.get(state.current)
    if (item) item.status = ack.status
    renderConversation()
    renderInbox()
  })

function reply(event) {
  event.preventDefault()
  const value = $("reply-text").value.trim()
  if (!value) return
  state.socket.emit("reply", { conversationId: state.current, text: value, clientMessageId: crypto.randomUUID() }, (ack) => {
    if (!ack.ok) return void ($("reply-error").textContent = ack.error.message)
    $("reply-error").textContent = ""
    $("reply-text").value = ""
  })
}

let typingSent = 0
function typing() {
  if (!state.current || Date.now() - typingSent < 2000) return
  typingSent = Date.now()
  state.socket.emit("typing", { conversationId: state.current, typing: true })
}

$("login").addEventListener("submit", login)
$("logout").addEventListener("click", logout)
$("filter").addEventListener("submit", (e) => { e.preventDefault(); loadInbox() })
$("takeover").addEventListener("click", step("takeover"))
$("handback").addEventListener("click", step("handback"))
$("close").addEventListener("click", step("close"))
$("reply").addEventListener("submit", reply)
$("reply-text").addEventListener("input", typing)
setInterval(() => { if (state.socket?.connected) loadInbox() }, 15000)
if (state.token) connect()
