import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { brotliCompressSync, gzipSync } from "node:zlib"
import { buildWidget } from "../packages/widget/node/build.js"

// The widget's bytes: raw, gzip and brotli per file, against the budget and the published sizes of comparable widgets.
const out = mkdtempSync(join(tmpdir(), "widget-bench-"))
await buildWidget(out)
const measure = (file: string) => {
  const body = readFileSync(join(out, file))
  return { file, raw: body.length, gzip: gzipSync(body, { level: 9 }).length, brotli: brotliCompressSync(body).length }
}
const loader = measure("widget.js")
const panel = measure("widget-panel.js")
rmSync(out, { recursive: true, force: true })
const total = { file: "total", raw: loader.raw + panel.raw, gzip: loader.gzip + panel.gzip, brotli: loader.brotli + panel.brotli }
const budget = { loaderGzip: 5 * 1024, totalGzip: 30 * 1024 }
const comparable: Record<string, number> = { "Shopify shop-chat-agent (JS + CSS)": 10_100, "Botpress webchat": 180_000, "Coze chat-sdk": 271_000, "Flowise embed": 284_000 }
console.log("file              raw      gzip    brotli")
for (const r of [loader, panel, total]) console.log(`${r.file.padEnd(16)}${String(r.raw).padStart(7)}${String(r.gzip).padStart(10)}${String(r.brotli).padStart(10)}`)
console.log(`loader gzip: ${(loader.gzip / budget.loaderGzip * 100).toFixed(0)}% of the 5 KB budget; whole widget: ${(total.gzip / budget.totalGzip * 100).toFixed(0)}% of 30 KB`)
for (const [name, bytes] of Object.entries(comparable)) console.log(`${name}: ${(bytes / total.gzip).toFixed(1)}x our whole widget (gzip)`)
mkdirSync("bench/results", { recursive: true })
writeFileSync("bench/results/widget.json", JSON.stringify({
  measuredAt: new Date().toISOString(),
  unit: "bytes",
  files: [loader, panel],
  total,
  budget,
  withinBudget: loader.gzip <= budget.loaderGzip && total.gzip <= budget.totalGzip,
  ratios: Object.fromEntries(Object.entries(comparable).map(([name, bytes]) => [name, Number((bytes / total.gzip).toFixed(1))]))
}, null, 2) + "\n")
