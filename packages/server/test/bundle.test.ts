import { describe, expect, it } from "@effect/vitest"
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll } from "vitest"
import { bundle } from "../scripts/bundle.js"
import * as CodeCache from "../src/CodeCache.js"

const root = fileURLToPath(new URL("../../../", import.meta.url))
// Under the checkout's node_modules, so that the bundle's external packages (PGlite) resolve as in dist/.
const cacheDir = join(root, "node_modules/.cache")

let outDir = ""
let dataDir = ""
let child: ChildProcess | undefined
let url = ""
let output = ""

/** Starts `node <outDir>/server.mjs` (PGlite in a temporary folder, port 0) and waits for its address. */
const startBundle = async () => {
  const env: Record<string, string | undefined> = { ...process.env }
  for (const name of ["DATABASE_URL", "CHATBOT_ASSETS_DIR", "NODE_OPTIONS", "REDIS_URL", "COZE_BOT_ID", "COZE_API_TOKEN", "EVERSHOP_URL"]) delete env[name]
  // The bundle must find its pages and widget in its own assets folder, whatever the working directory.
  child = spawn(process.execPath, [join(outDir, "server.mjs")], {
    cwd: dataDir,
    env: { ...env, PORT: "0", HOST: "127.0.0.1", NODE_ENV: "test", DATA_DIR: dataDir, DEMO_TOKEN_DELAY_MIN_MS: "0", DEMO_TOKEN_DELAY_MAX_MS: "0" },
    stdio: ["ignore", "pipe", "pipe"]
  })
  child.stdout!.on("data", (b: Buffer) => { output += b.toString() })
  child.stderr!.on("data", (b: Buffer) => { output += b.toString() })
  for (let i = 0; i < 600; i++) {
    const m = /listening on (http:\/\/\S+)/.exec(output)
    if (m !== null) return m[1]!
    if (child.exitCode !== null) break
    await sleep(50)
  }
  throw new Error(`the bundle did not start: ${output.slice(-3000)}`)
}

const stopBundle = async () => {
  const c = child
  if (c === undefined || c.exitCode !== null || c.signalCode !== null) return
  const exited = new Promise((resolve) => c.once("exit", resolve))
  c.kill("SIGTERM")
  const timer = setTimeout(() => c.kill("SIGKILL"), 10_000)
  await exited
  clearTimeout(timer)
}

beforeAll(async () => {
  mkdirSync(cacheDir, { recursive: true })
  outDir = mkdtempSync(join(cacheDir, "bundle-test-"))
  dataDir = mkdtempSync(join(tmpdir(), "chatbot-bundle-data-"))
  await bundle(outDir)
  url = await startBundle()
}, 60_000)

afterAll(async () => {
  await stopBundle()
  rmSync(outDir, { recursive: true, force: true })
  rmSync(dataDir, { recursive: true, force: true })
}, 20_000)

describe("the production bundle (dist/server.mjs and dist/server.bundle.js) started as a child process on PGlite", () => {
  it("is one file with its entry, map, code cache and assets beside it", () => {
    expect(existsSync(join(outDir, "server.mjs"))).toBe(true)
    expect(existsSync(join(outDir, "server.bundle.js"))).toBe(true)
    expect(existsSync(join(outDir, "server.bundle.js.map"))).toBe(true)
    expect(existsSync(join(outDir, "assets/static/index.html"))).toBe(true)
    expect(existsSync(join(outDir, "assets/widget/widget.js"))).toBe(true)
  })

  it("starts from the code cache its build's warm-up start wrote", () => {
    const compiled = CodeCache.compile(join(outDir, "server.bundle.js"), join(outDir, "server.bundle.js.cache"))
    expect(compiled.state).toBe("accepted")
  })

  it("answers /health 200 with the database connected", async () => {
    const res = await fetch(`${url}/health`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ status: "ok", database: "connected" })
  })

  it("serves the widget, the pages, the admin inbox and the demo images from its assets folder", async () => {
    const widget = await fetch(`${url}/widget.js`)
    expect(widget.status).toBe(200)
    expect(widget.headers.get("content-type")).toContain("javascript")
    expect(widget.headers.get("access-control-allow-origin")).toBe("*")
    expect((await widget.text()).length).toBeGreaterThan(1000)
    expect((await fetch(`${url}/widget-panel.js`)).status).toBe(200)
    const home = await fetch(`${url}/`)
    expect(home.status).toBe(200)
    expect(await home.text()).toContain("<html")
    const admin = await fetch(`${url}/admin`)
    expect(admin.status).toBe(200)
    expect(await admin.text()).toContain("admin.js")
    expect((await fetch(`${url}/admin/admin.js`)).status).toBe(200)
  })

  it("replies to a chat message (JSON) with product cards whose images it serves", async () => {
    const res = await fetch(`${url}/api/coze/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ shopId: "bundle", userId: "bundle-visitor", message: "show me shoes" })
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { reply?: string }
    expect(body.reply ?? "").not.toBe("")
    const image = /\/demo\/images\/[a-z0-9-]+\.svg/.exec(JSON.stringify(body))
    expect(image).not.toBeNull()
    const svg = await fetch(`${url}${image![0]}`)
    expect(svg.status).toBe(200)
    expect(await svg.text()).toContain("<svg")
  })

  it("streams a reply as SSE to its `done` event", async () => {
    const res = await fetch(`${url}/api/coze/chat/stream`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ shopId: "bundle", userId: "bundle-visitor", message: "Hello" })
    })
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toContain("text/event-stream")
    const text = await res.text()
    expect(text).toContain("event: started")
    expect(text).toContain("event: delta")
    expect(text).toContain("event: done")
  })
})
