import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { existsSync, mkdirSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core"
import { io } from "socket.io-client"
import { catalogs, type WidgetLocale } from "../../src/i18n/strings.js"
import { startServer } from "../support/server.js"

const chromiumPath = "/usr/bin/chromium"
const adminEmail = "agent@widget.test"
const adminPassword = "correct horse battery staple"
const hasChromium = existsSync(chromiumPath)
if (!hasChromium) console.warn(`widget browser tests skipped: ${chromiumPath} is missing (apt-get install chromium; CI installs it)`)

const artifacts = join(import.meta.dirname, "../../../../test-artifacts/widget")
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8")

let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser
const contexts: Array<BrowserContext> = []

const newPage = async (width = 1280, height = 800, bypassCSP = false): Promise<Page> => {
  const context = await browser.newContext({ viewport: { width, height }, locale: "en-US", bypassCSP })
  contexts.push(context)
  const page = await context.newPage()
  page.on("pageerror", (e) => console.error("page error:", e))
  return page
}

/** Opens the demo product page in a language and the chat panel. */
const openChat = async (page: Page, lang: WidgetLocale = "en") => {
  await page.goto(`${server.url}/product-inquiry-demo.html?lang=${lang}`)
  await page.locator(".launcher").click()
  await page.locator(".panel textarea").waitFor()
}
const ask = async (page: Page, text: string) => {
  await page.locator(".panel textarea").fill(text)
  await page.locator(".panel textarea").press("Enter")
}
const botBubbles = (page: Page) => page.locator(".m.bot:not(.hello)")
const lastBot = (page: Page) => botBubbles(page).last()
const waitReplyDone = (page: Page) => page.waitForFunction(() => {
  const root = document.getElementById("chatbot-node-widget")?.shadowRoot
  const bots = root?.querySelectorAll(".m.bot:not(.hello)")
  const last = bots?.[bots.length - 1]
  return last !== undefined && !last.hasAttribute("aria-busy") && (last.textContent ?? "").length > 20 && root!.querySelector(".typing")!.hasAttribute("hidden")
}, undefined, { timeout: 20_000 })
const stored = async (page: Page) =>
  page.evaluate(async () => {
    const state = JSON.parse(localStorage.getItem("chatbot-node:demo") ?? "{}") as { token: string; conversationId: string }
    const res = await fetch(`/api/conversations/${state.conversationId}/messages`, { headers: { Authorization: `Bearer ${state.token}` } })
    return ((await res.json()) as { messages: Array<{ role: string; text: string; status: string }> }).messages
  })

describe.skipIf(!hasChromium)("the widget in Chromium against the real server (demo bot, PGlite)", () => {
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true })
    server = await startServer({ DEMO_TOKEN_DELAY_MIN_MS: "25", DEMO_TOKEN_DELAY_MAX_MS: "40", ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword })
    browser = await chromium.launch({ executablePath: chromiumPath, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] })
  }, 120_000)
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {})
    await browser?.close()
    await server?.stop()
  })

  const questions: Record<WidgetLocale, { q: string; product: string }> = {
    zh: { q: "有越野跑鞋吗？", product: "越野跑鞋" },
    en: { q: "Do you have trail running shoes?", product: "Trail running shoes" },
    es: { q: "¿Tienen zapatillas de trail?", product: "Zapatillas de trail" }
  }

  for (const locale of ["zh", "en", "es"] as const) {
    it(`in ${locale}: the panel speaks ${locale}, the reply streams in, then product cards in ${locale}`, async () => {
      const page = await newPage()
      await openChat(page, locale)
      expect(await page.locator(".launcher").getAttribute("aria-label")).toBe(catalogs[locale].launcher)
      expect(await page.locator(".panel .send").textContent()).toBe(catalogs[locale].send)
      await ask(page, questions[locale].q)
      const seen = new Set<string>()
      const bubble = page.locator(".m.bot[aria-busy]")
      await bubble.waitFor()
      while (seen.size < 3) {
        if ((await bubble.count()) === 0) break
        const text = (await bubble.locator(".b").textContent().catch(() => "")) ?? ""
        if (text !== "") seen.add(text)
        await page.waitForTimeout(30)
      }
      expect(seen.size).toBeGreaterThanOrEqual(3)
      await waitReplyDone(page)
      const cards = page.locator(".m.bot .card h3")
      await expect.poll(() => cards.allTextContents()).toContain(questions[locale].product)
      const price = await page.locator(".m.bot .card .price").first().textContent()
      expect(price).toMatch(/\d/)
      expect(await page.locator(".sugg button").count()).toBeGreaterThan(0)
      const messages = await stored(page)
      expect(messages.map((m) => m.role)).toEqual(["visitor", "bot"])
      expect((await lastBot(page).locator(".b").textContent())!.replace(/\s+/g, "")).toBe(messages[1]!.text.replace(/[*_`]|\s+/g, ""))
      if (locale === "en") await page.screenshot({ path: join(artifacts, "desktop-1280.png") })
    })
  }

  it("typing gets a new visitor's session before the first message (one session in all), later typing tells the server at most every 3 s", async () => {
    const page = await newPage()
    const calls: Array<string> = []
    const typingBodies: Array<unknown> = []
    page.on("request", (r) => {
      if (r.method() !== "POST") return
      calls.push(new URL(r.url()).pathname)
      if (new URL(r.url()).pathname === "/api/visitor/typing") typingBodies.push(r.postDataJSON())
    })
    await openChat(page)
    const input = page.locator(".panel textarea")
    await input.pressSequentially("Do you have", { delay: 20 })
    await expect.poll(() => calls).toEqual(["/api/visitor/session"])
    await input.pressSequentially(" trail running shoes?", { delay: 20 })
    await input.press("Enter")
    await waitReplyDone(page)
    expect(calls).toEqual(["/api/visitor/session", "/api/coze/chat/stream"])
    // Typing again, more than 3 s after the last ping: one ping however many keys.
    await page.waitForTimeout(3100)
    await input.pressSequentially("and boots", { delay: 20 })
    await expect.poll(() => calls.filter((c) => c === "/api/visitor/typing").length).toBe(1)
    await page.waitForTimeout(200)
    expect(calls).toEqual(["/api/visitor/session", "/api/coze/chat/stream", "/api/visitor/typing"])
    // The ping names the conversation, so that its agents see the visitor typing.
    const { conversationId } = await page.evaluate(() => JSON.parse(localStorage.getItem("chatbot-node:demo") ?? "{}") as { conversationId: string })
    expect(typingBodies).toEqual([{ shopId: "demo", conversationId }])
  })

  it("an agent who took over is shown typing in the widget until their message comes", async () => {
    const page = await newPage()
    await openChat(page)
    await ask(page, "Do you have backpacks?")
    await waitReplyDone(page)
    const { conversationId } = await page.evaluate(() => JSON.parse(localStorage.getItem("chatbot-node:demo") ?? "{}") as { conversationId: string })
    const login = await fetch(`${server.url}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email: adminEmail, password: adminPassword }) })
    const { token } = (await login.json()) as { token: string }
    const agent = io(`${server.url}/agent`, { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true })
    try {
      expect(await agent.emitWithAck("watch", { conversationId })).toMatchObject({ ok: true })
      expect(await agent.emitWithAck("takeover", { conversationId })).toMatchObject({ ok: true, status: "agent" })
      const typing = page.locator(".panel .typing")
      await expect.poll(() => page.locator(".m.system").count()).toBeGreaterThan(0)
      expect(await typing.isHidden()).toBe(true)
      expect(await agent.emitWithAck("typing", { conversationId, typing: true })).toMatchObject({ ok: true })
      await typing.waitFor({ state: "visible" })
      expect(await agent.emitWithAck("reply", { conversationId, text: "Hi, I'm Ana from the shop." })).toMatchObject({ ok: true })
      await page.locator(".m.agent", { hasText: "Hi, I'm Ana from the shop." }).waitFor()
      await typing.waitFor({ state: "hidden" })
    } finally {
      agent.close()
    }
  })

  it("reload mid-reply: the history is back and the reply completes exactly once", async () => {
    const page = await newPage()
    await openChat(page)
    await ask(page, "Do you have backpacks?")
    await page.waitForFunction(() => {
      const root = document.getElementById("chatbot-node-widget")?.shadowRoot
      const busy = root?.querySelector(".m.bot[aria-busy]")
      return (busy?.textContent ?? "").length > 5
    })
    await page.reload()
    await page.locator(".launcher").click()
    await waitReplyDone(page)
    const messages = await stored(page)
    expect(messages.map((m) => [m.role, m.status])).toEqual([["visitor", "complete"], ["bot", "complete"]])
    expect(await page.locator(".m.visitor").count()).toBe(1)
    expect(await botBubbles(page).count()).toBe(1)
    expect((await lastBot(page).locator(".b").textContent())!.replace(/\s+/g, "")).toBe(messages[1]!.text.replace(/[*_`]|\s+/g, ""))
    // and a later reload shows the same history, once
    await page.reload()
    await page.locator(".launcher").click()
    await expect.poll(() => botBubbles(page).count()).toBe(1)
    expect(await page.locator(".m.visitor .b").allTextContents()).toEqual(["Do you have backpacks?"])
  })

  it("cut the connection mid-reply: it resumes and completes exactly once; typed offline is sent when back", async () => {
    const page = await newPage()
    await openChat(page)
    await ask(page, "Do you have headphones?")
    await page.waitForFunction(() => (document.getElementById("chatbot-node-widget")?.shadowRoot?.querySelector(".m.bot[aria-busy]")?.textContent ?? "").length > 5)
    await page.context().setOffline(true)
    await expect.poll(() => page.locator(".status").textContent()).toBe(catalogs.en.offline)
    await ask(page, "How long does shipping take?")
    await expect.poll(() => page.locator(".m.visitor.queued").count()).toBe(1)
    await page.waitForTimeout(500)
    await page.context().setOffline(false)
    await expect.poll(async () => (await stored(page)).filter((m) => m.role === "bot" && m.status === "complete").length, { timeout: 20_000 }).toBe(2)
    await waitReplyDone(page)
    await expect.poll(() => botBubbles(page).count()).toBe(2)
    const messages = await stored(page)
    expect(messages.map((m) => m.role)).toEqual(["visitor", "bot", "visitor", "bot"])
    const texts = await botBubbles(page).locator(".b").allTextContents()
    expect(texts.map((t) => t.replace(/\s+/g, ""))).toEqual(messages.filter((m) => m.role === "bot").map((m) => m.text.replace(/[*_`]|\s+/g, "")))
    expect(await page.locator(".m.visitor.queued").count()).toBe(0)
    expect(await page.locator(".status").isHidden()).toBe(true)
  })

  it("XSS as visitor text and as bot text (reply and product card) shows as inert text", async () => {
    const page = await newPage()
    await page.addInitScript(() => { (window as unknown as { pwned: number }).pwned = 0 })
    const payload = `<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>`
    await openChat(page)
    await page.route("**/api/coze/chat/stream", async (route) => {
      const body = JSON.parse(route.request().postData() ?? "{}") as { message: string; clientMessageId: string }
      const ids = { conversationId: "AAAAAAAAAAAAAAAAAAAAAA", messageId: "BBBBBBBBBBBBBBBBBBBBBB", replyId: "CCCCCCCCCCCCCCCCCCCCCC" }
      const events = [
        ["started", { ...ids, locale: "en", botId: "demo", _tag: "started" }],
        ["delta", { replyId: ids.replyId, text: `bot says ${payload} [x](javascript:window.pwned=3)`, _tag: "delta" }],
        ["products", { replyId: ids.replyId, call: { name: "get_product_list", arguments: {} }, products: [{ id: "p", sku: "p", name: payload, price: { amount: 1, currency: "USD" }, url: "javascript:window.pwned=4", imageUrl: "javascript:window.pwned=5", inStock: true }], _tag: "products" }],
        ["done", { conversationId: ids.conversationId, replyId: ids.replyId, status: "complete", _tag: "done" }]
      ] as const
      expect(body.message).toBe(payload)
      await route.fulfill({
        status: 200,
        headers: { "Content-Type": "text/event-stream" },
        body: events.map(([event, data], i) => `id: ${ids.messageId}:${i}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join("")
      })
    })
    await ask(page, payload)
    await expect.poll(() => page.locator(".m.bot .card h3").textContent()).toBe(payload)
    expect(await page.locator(".m.visitor .b").textContent()).toBe(payload)
    expect(await lastBot(page).locator(".b").textContent()).toContain(payload)
    expect(await page.locator(".panel img[src='x'], .panel script, .m a[href^='javascript'], .card img").count()).toBe(0)
    await page.locator(".m.bot .b").last().click()
    expect(await page.evaluate(() => (window as unknown as { pwned: number }).pwned)).toBe(0)
  })

  it("keyboard only: Tab to the launcher, Enter opens with focus in the input, Enter sends, a suggestion by keyboard, Escape closes back to the launcher", async () => {
    const page = await newPage()
    await page.goto(`${server.url}/product-inquiry-demo.html?lang=en`)
    await page.locator(".launcher").waitFor()
    const focusedIsLauncher = () => page.evaluate(() => document.getElementById("chatbot-node-widget")?.shadowRoot?.activeElement?.classList.contains("launcher") ?? false)
    let tabs = 0
    while (!(await focusedIsLauncher()) && tabs++ < 40) await page.keyboard.press("Tab")
    expect(await focusedIsLauncher()).toBe(true)
    await page.keyboard.press("Enter")
    await page.locator(".panel textarea").waitFor()
    await expect.poll(() => page.evaluate(() => document.getElementById("chatbot-node-widget")?.shadowRoot?.activeElement?.tagName)).toBe("TEXTAREA")
    await page.keyboard.type("Do you have watches?")
    await page.keyboard.press("Enter")
    await waitReplyDone(page)
    await page.locator(".sugg button").first().waitFor()
    const suggestion = await page.locator(".sugg button").first().textContent()
    await page.locator(".sugg button").first().focus()
    await page.keyboard.press("Enter")
    await expect.poll(() => page.locator(".m.visitor .b").allTextContents()).toContain(suggestion)
    await page.keyboard.press("Escape")
    await expect.poll(() => page.locator(".panel").isHidden()).toBe(true)
    expect(await focusedIsLauncher()).toBe(true)
    expect(await page.locator(".launcher").getAttribute("aria-expanded")).toBe("false")
  })

  it("axe-core finds no serious or critical violations (panel open with a reply and cards); screenshots at 375 and 320 px", async () => {
    for (const width of [1280, 375, 320]) {
      const page = await newPage(width, width === 1280 ? 800 : 700, true)
      await openChat(page)
      await ask(page, "Backpacks under $80")
      await waitReplyDone(page)
      await page.locator(".m.bot .card").first().waitFor()
      await page.addScriptTag({ content: axeSource })
      const result = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }> }> } }).axe
        return axe.run(document, { resultTypes: ["violations"] })
      })
      const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      expect(bad.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`)).toEqual([])
      if (width !== 1280) {
        const box = await page.locator(".panel").boundingBox()
        expect(box!.width).toBeLessThanOrEqual(width)
        const overflow = await page.evaluate(() => {
          const log = document.getElementById("chatbot-node-widget")!.shadowRoot!.querySelector(".log")!
          return log.scrollWidth - log.clientWidth
        })
        expect(overflow).toBeLessThanOrEqual(0)
        await page.screenshot({ path: join(artifacts, `mobile-${width}.png`) })
      } else await page.screenshot({ path: join(artifacts, "desktop-1280-cards.png") })
    }
  })
})
