import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { startServer } from "./support/server.js"

describe("operator logs", () => {
  const lines: Array<string> = []
  let server: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    vi.spyOn(console, "log").mockImplementation((...args: Array<unknown>) => { lines.push(args.map(String).join(" ")) })
    server = await startServer({ LOG_FORMAT: "json", JWT_SECRET: "s3cr3t-value-that-must-not-leak-0123456789" })
  })
  afterAll(async () => {
    await server.stop()
    vi.restoreAllMocks()
  })

  it("gives each request an id, echoing a sane incoming one and replacing a bad one", async () => {
    const own = await fetch(`${server.url}/health`, { headers: { "x-request-id": "fly-abc-123" } })
    expect(own.headers.get("x-request-id")).toBe("fly-abc-123")
    const bad = await fetch(`${server.url}/health`, { headers: { "x-request-id": "<script>" } })
    expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
  })

  it("writes JSON lines through Effect's logger, never a secret", async () => {
    await fetch(`${server.url}/api/coze/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ shopId: "s", userId: "u", message: "hi" }) })
    const json = lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { message: unknown; logLevel: string })
    expect(json.length).toBeGreaterThan(0)
    expect(json.every((l) => typeof l.logLevel === "string")).toBe(true)
    expect(lines.join("\n")).not.toContain("s3cr3t-value")
  })
})
