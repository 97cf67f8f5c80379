// Assertions of `npm run test:evershop` against the running EverShop shop and Chatbot-Node server.
import assert from "node:assert/strict"
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { chromium } from "playwright-core"

const shop = process.env.EVERSHOP_TEST_URL
const chat = process.env.CHAT_TEST_URL
const secret = process.env.CHATBOT_TEST_SECRET
const dbUrl = process.env.PGURL_TEST
const auth = { authorization: `Bearer ${secret}` }
const step = (name) => console.log(`  ok  ${name}`)

const json = async (url, init = {}) => {
  const res = await fetch(url, init)
  const text = await res.text()
  let body
  try { body = JSON.parse(text) } catch { body = text }
  return { status: res.status, body }
}

// 1. The extension's product look-ups against the seeded products.
const seededCups = ["CUP-001-BLK", "CUP-001-WHT", "CUP-001-YEL"]
assert.equal((await json(`${shop}/api/chatbot/products?keyword=cup`)).status, 401, "look-ups need the shared secret")
const cups = await json(`${shop}/api/chatbot/products?keyword=cup&max_price=20`, { headers: auth })
assert.equal(cups.status, 200, JSON.stringify(cups.body))
assert.deepEqual(cups.body.products.map((p) => p.sku).sort(), seededCups)
for (const p of cups.body.products) {
  assert.match(p.name, /^Ceramic Coffee Cup - /)
  assert.deepEqual(p.price, { amount: 15, currency: "USD" })
  assert.equal(p.inStock, true)
  assert.equal(p.stockQuantity, 100)
  assert.ok(p.url.startsWith(`${shop}/`), p.url)
}
step("GET /api/chatbot/products?keyword=cup&max_price=20: the three seeded coffee cups, 15 USD, in stock, absolute links")
const cheap = await json(`${shop}/api/chatbot/products?max_price=12&limit=10`, { headers: auth })
assert.deepEqual(cheap.body.products.map((p) => p.sku).sort(), ["PEN-002-BLK", "PEN-002-WHT", "PEN-002-YEL"])
const thermos = await json(`${shop}/api/chatbot/products?keyword=thermos&category=accessories&in_stock=true`, { headers: auth })
assert.equal(thermos.body.products.length, 3)
step("price range, category and stock filters on the seeded catalog")
const one = await json(`${shop}/api/chatbot/products/VASE-004-YEL`, { headers: auth })
assert.equal(one.status, 200)
assert.equal(one.body.product.name, "Modern Ceramic Vase - Green")
assert.equal((await json(`${shop}/api/chatbot/products/NOPE-1`, { headers: auth })).status, 404)
step("GET /api/chatbot/products/:sku (and 404 for an unknown sku)")
const calls = await json(`${shop}/api/chatbot/toolcalls`, {
  method: "POST",
  headers: { ...auth, "content-type": "application/json" },
  body: JSON.stringify({ text: 'Sure. <|FunctionCallBegin|>[{"name":"get_product_list","parameters":{"keyword":"bowl"}}]<|FunctionCallEnd|>' })
})
assert.equal(calls.status, 200, JSON.stringify(calls.body))
assert.equal(calls.body.outputs[0].handled, true)
assert.deepEqual(JSON.parse(calls.body.outputs[0].output).products.map((p) => p.sku).sort(), ["BOWL-003-BLK", "BOWL-003-WHT", "BOWL-003-YEL"])
step("POST /api/chatbot/toolcalls: function-call markup parsed by the domain, answered from the shop")

// 2. The widget in the server-rendered HTML of storefront pages, not of the admin.
const html = async (path) => {
  const res = await fetch(`${shop}${path}`)
  assert.equal(res.status, 200, `${path} answered ${res.status}`)
  return res.text()
}
const productPath = new URL(cups.body.products.find((p) => p.sku === "CUP-001-WHT").url).pathname
const pages = { home: "/", category: "/accessories", product: productPath, search: "/search?keyword=cup" }
for (const [name, path] of Object.entries(pages)) {
  const page = await html(path)
  assert.match(page, /id="chatbot-node-root"/, `${name} page (${path}) has no widget root`)
  assert.ok(page.includes(`${chat}/widget.js`), `${name} page has no widget script URL`)
}
assert.doesNotMatch(await html("/admin/login"), /chatbot-node-root/)
step(`widget root + script URL in the SSR HTML of home, category, product (${productPath}), search; not on /admin/login`)

// 3. The Chatbot-Node chat answers get_product_list from EverShop.
const ask = async (message, userId) => {
  const r = await json(`${chat}/api/coze/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ shopId: "evershop-test", userId, message, locale: "en" })
  })
  assert.equal(r.status, 200, JSON.stringify(r.body))
  return r.body
}
const answer = await ask("Show me cups under 20", "e2e-1")
assert.ok(answer.functionCalls.some((c) => c.name === "get_product_list"), JSON.stringify(answer.functionCalls))
assert.deepEqual(answer.products.map((p) => p.sku).sort(), seededCups)
for (const p of answer.products) {
  const mine = cups.body.products.find((q) => q.sku === p.sku)
  assert.equal(p.name, mine.name)
  assert.deepEqual(p.price, mine.price)
  assert.equal(p.url, mine.url)
}
step("POST /api/coze/chat (demo bot): get_product_list answered with EverShop's cups, same names, prices and links")

// 4. A product change reaches the server's cache through the extension's subscriber.
execFileSync("psql", [dbUrl, "-qc", "UPDATE product SET price = 14 WHERE sku = 'CUP-001-WHT'"])
const deadline = Date.now() + 40_000
let seen
for (;;) {
  seen = (await ask("Show me cups under 20", "e2e-2")).products.find((p) => p.sku === "CUP-001-WHT")?.price.amount
  if (seen === 14 || Date.now() > deadline) break
  await new Promise((r) => setTimeout(r, 1000))
}
assert.equal(seen, 14, "the cached answer was not invalidated by the product_updated subscriber")
execFileSync("psql", [dbUrl, "-qc", "UPDATE product SET price = 15 WHERE sku = 'CUP-001-WHT'"])
step("product_updated → extension subscriber → POST /api/catalog/invalidate → fresh price in the chat (cache TTL 600 s)")

// 5. In Chromium, on a product page: the widget hydrates, opens, chats with EverShop product cards, adds to cart.
const chromiumPath = "/usr/bin/chromium"
if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing (apt-get install chromium)`)
const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] })
try {
  const page = await browser.newPage()
  const errors = []
  page.on("pageerror", (e) => errors.push(String(e)))
  // Fresh cache, so the chat shows the restored price.
  await json(`${chat}/api/catalog/invalidate`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: '{"event":"test"}' })
  // Saving a product rebuilds its URL rewrite (with the category path): compare with fresh look-ups.
  const fresh = (await json(`${shop}/api/chatbot/products?keyword=cup&max_price=20`, { headers: auth })).body.products
  assert.deepEqual(fresh.map((p) => p.sku).sort(), seededCups)
  await page.goto(`${shop}${productPath}`, { waitUntil: "load" })
  await page.locator("#chatbot-node-widget .launcher").waitFor({ timeout: 20_000 })
  await page.locator(".launcher").click()
  await page.locator(".panel textarea").waitFor()
  await page.locator(".panel textarea").fill("Show me cups under 20")
  await page.locator(".panel textarea").press("Enter")
  const cards = page.locator(".m.bot .card")
  await cards.first().waitFor({ timeout: 20_000 })
  await page.waitForFunction(() => document.getElementById("chatbot-node-widget")?.shadowRoot?.querySelectorAll(".m.bot .card").length === 3, null, { timeout: 10_000 })
  const shown = await cards.evaluateAll((els) => els.map((el) => ({
    name: el.querySelector("h3")?.textContent,
    price: el.querySelector(".price")?.textContent,
    href: el.querySelector("a")?.getAttribute("href")
  })))
  for (const card of shown) {
    const product = fresh.find((p) => p.name === card.name)
    assert.ok(product, `card ${card.name} is not an EverShop cup`)
    assert.equal(card.price, "$15.00")
    assert.equal(card.href, product.url)
    const pageHtml = await html(new URL(card.href).pathname)
    assert.ok(pageHtml.includes(card.name), `${card.href} does not show ${card.name}`)
    assert.ok(pageHtml.includes("$15.00"), `${card.href} does not show $15.00`)
  }
  step("Chromium: the widget loads on a product page, opens, chats; its 3 cards match EverShop's product pages (name, price, link)")

  const updated = page.evaluate(() => new Promise((resolve) => window.addEventListener("chatbot:cart-updated", (e) => resolve(e.detail), { once: true })))
  await cards.filter({ hasText: "Ceramic Coffee Cup - Black" }).locator("button.add").click()
  const detail = await updated
  assert.deepEqual(detail, { sku: "CUP-001-BLK", ok: true })
  const cart = await page.evaluate(async () => {
    const r = await fetch("/api/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ myCart { totalQty items { productSku qty } } }" }) })
    return r.json()
  })
  assert.deepEqual(cart.data.myCart.items.map((i) => [i.productSku, i.qty]), [["CUP-001-BLK", 1]], JSON.stringify(cart))
  step("Chromium: a card's Add to cart puts the product in the visitor's EverShop cart (chatbot:add-to-cart → cart bridge)")
  assert.deepEqual(errors, [])
} finally {
  await browser.close()
}
