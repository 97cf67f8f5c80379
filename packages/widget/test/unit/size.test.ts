import { afterAll, describe, expect, it } from "@effect/vitest"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import { buildWidget } from "../../node/build.js"

const out = mkdtempSync(join(tmpdir(), "widget-size-"))
afterAll(() => rmSync(out, { recursive: true, force: true }))

const gz = (file: string) => gzipSync(readFileSync(join(out, file)), { level: 9 }).length

describe("size budget", () => {
  it("the loader is at most 5 KB gzip and the whole widget (loader + panel + transport) at most 30 KB gzip", async () => {
    await buildWidget(out)
    const loader = gz("widget.js")
    const panel = gz("widget-panel.js")
    console.log(`widget.js ${loader} B gzip, widget-panel.js ${panel} B gzip, total ${loader + panel} B gzip`)
    expect(loader).toBeLessThanOrEqual(5 * 1024)
    expect(loader + panel).toBeLessThanOrEqual(30 * 1024)
  })
})
