import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { existsSync, mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { adminEmail, adminPassword, makeDataDir, removeDataDir, startInProcess, visitorToken } from "./support/realtime.js"

const chromium = "/usr/bin/chromium"
const hasChromium = existsSync(chromium)
if (!hasChromium) console.warn(`realtime-browser.test.ts skipped: ${chromium} is missing (CI installs Debian's chromium)`)
const artifacts = fileURLToPath(new URL("../../../test-artifacts/realtime/", import.meta.url))

/** A minimal visitor page on a shop's own origin: the `/visitor` namespace, a transcript, a form, "talk to a person". */
const visitorPage = (chatUrl: string, token: string) => `<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Visitor</title></head><body>
<ol id="log" aria-live="polite"></ol><p id="state"></p>
<form id="f"><input id="text" aria-label="Message"><button id="send">Send</button></form>
<button id="human" type="button">Talk to a person</button>
<script type="module">
import { io } from "/socket.io.esm.min.js"
const socket = io("${chatUrl}/visitor", { auth: { token: "${token}", locale: "es" }, transports: ["websocket"] })
const messages = new Map(), streams = new Map()
let conversationId
const render = () => {
  const rows = [...messages.values()].sort((a, b) => a.seq - b.seq).map((m) => [m.role, m.status === "streaming" ? streams.get(m.id) ?? "" : m.text])
  for (const [id, t] of streams) if (!messages.has(id)) rows.push(["bot", t])
  document.getElementById("log").replaceChildren(...rows.map(([role, t]) => { const li = document.createElement("li"); li.className = role; li.textContent = role + ": " + t; return li }))
}
socket.on("chat:event", (e) => {
  if (e._tag === "delta") streams.set(e.replyId, (streams.get(e.replyId) ?? "") + e.text)
  if (e._tag === "message") { messages.set(e.message.id, e.message); streams.delete(e.message.id) }
  if (e._tag === "status") document.getElementById("state").textContent = e.status
  render()
})
document.getElementById("f").addEventListener("submit", async (ev) => {
  ev.preventDefault()
  const input = document.getElementById("text")
  const ack = await socket.emitWithAck("message:send", { text: input.value, clientMessageId: crypto.randomUUID(), ...(conversationId ? { conversationId } : {}) })
  if (ack.ok) { conversationId = ack.conversationId; input.value = "" }
})
document.getElementById("human").addEventListener("click", () => socket.emit("human:request", { conversationId }, () => {}))
socket.on("connect", () => document.body.dataset.ready = "yes")
</script></body></html>`

describe.skipIf(!hasChromium)("the /admin inbox in a real browser (Chromium)", () => {
  let server: Awaited<ReturnType<typeof startInProcess>>
  let dataDir: string
  let browser: import("playwright-core").Browser
  let shopSite: Server
  let shopUrl: string

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true })
    dataDir = makeDataDir()
    server = await startInProcess(dataDir)
    const { token } = await visitorToken(server.url, "shop-browser")
    const client = await (await fetch(`${server.url}/socket.io/socket.io.esm.min.js`)).text()
    const page = visitorPage(server.url, token)
    shopSite = createServer((req, res) => {
      const js = req.url === "/socket.io.esm.min.js"
      res.writeHead(200, { "Content-Type": js ? "text/javascript" : "text/html; charset=utf-8" })
      res.end(js ? client : page)
    })
    await new Promise<void>((resolve) => shopSite.listen(0, "127.0.0.1", resolve))
    shopUrl = `http://127.0.0.1:${(shopSite.address() as AddressInfo).port}`
    const { chromium: launcher } = await import("playwright-core")
    browser = await launcher.launch({ executablePath: chromium, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    shopSite?.closeAllConnections()
    await new Promise((resolve) => shopSite ? shopSite.close(resolve) : resolve(undefined))
    await server?.stop()
    if (dataDir) removeDataDir(dataDir)
  })

  it("an agent signs in, takes over the conversation a visitor started, and the two exchange messages", async () => {
    const context = await browser.newContext()
    context.setDefaultTimeout(15_000)
    const visitor = await context.newPage()
    const problems: Array<string> = []
    visitor.on("pageerror", (e) => problems.push(`visitor: ${e.message}`))
    visitor.on("console", (m) => { if (m.type() === "error") problems.push(`visitor console: ${m.text()}`) })
    try {
    await visitor.goto(`${shopUrl}/`)
    await visitor.waitForSelector("body[data-ready=yes]")
    await visitor.fill("#text", "hola, ¿tienen zapatillas?")
    await visitor.click("#send")
    await visitor.waitForSelector("#log li.bot")
    await visitor.click("#human")
    await visitor.waitForFunction(() => document.getElementById("state")?.textContent === "waiting-for-agent")

    const agentContext = await browser.newContext()
    agentContext.setDefaultTimeout(15_000)
    const agent = await agentContext.newPage()
    agent.on("pageerror", (e) => problems.push(`agent: ${e.message}`))
    agent.on("console", (m) => { if (m.type() === "error") problems.push(`agent console: ${m.text()}`) })
    await agent.goto(`${server.url}/admin`)
    await agent.getByLabel("Email").fill(adminEmail)
    await agent.getByLabel("Password").fill(adminPassword)
    await agent.getByRole("button", { name: "Sign in" }).click()
    const waiting = agent.locator("#conversations li.waiting button").first()
    await waiting.waitFor()
    await agent.screenshot({ path: `${artifacts}admin-inbox.png`, fullPage: true })
    await waiting.click()
    await agent.locator("#transcript li.visitor").first().waitFor()
    await agent.getByRole("button", { name: "Take over" }).click()
    await visitor.waitForFunction(() => document.getElementById("state")?.textContent === "agent")
    await visitor.locator("#log li.system", { hasText: "se ha unido" }).waitFor()

    await agent.getByLabel("Reply").fill("Hola, soy del equipo. ¿En qué talla?")
    await agent.getByRole("button", { name: "Send" }).click()
    await visitor.locator("#log li.agent", { hasText: "¿En qué talla?" }).waitFor()
    await visitor.fill("#text", "La 42, gracias")
    await visitor.click("#send")
    await agent.locator("#transcript li.visitor", { hasText: "La 42, gracias" }).waitFor()
    await agent.screenshot({ path: `${artifacts}admin-conversation.png`, fullPage: true })
    await visitor.screenshot({ path: `${artifacts}visitor.png`, fullPage: true })

    await agent.getByRole("button", { name: "Hand back to the bot" }).click()
    await visitor.waitForFunction(() => document.getElementById("state")?.textContent === "bot")
    const log = await visitor.locator("#log li").allTextContents()
    expect(log.filter((l) => l.startsWith("agent:"))).toEqual(["agent: Hola, soy del equipo. ¿En qué talla?"])
    expect(log.filter((l) => l === "visitor: La 42, gracias")).toHaveLength(1)
    expect(existsSync(`${artifacts}admin-conversation.png`)).toBe(true)
    } catch (error) {
      throw new Error(`${String(error)}\n${problems.join("\n")}`)
    }
  }, 120_000)
})
