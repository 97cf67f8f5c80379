/**
 * Gathers every bench/results/*.json into bench/results/summary.md: each figure with its baseline
 * (measured in the same run), the ratio, the target and whether it is met, with the date and
 * command of the run that produced it. Run: npm run bench:summary (the last step of npm run bench).
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { machine } from "./support/machine.js"
import { root } from "./support/processes.js"
import type { Figure } from "./support/results.js"
import { ratio, round } from "./support/stats.js"

type Json = any
interface Source { readonly file: string; readonly date: string; readonly command: string; readonly figures: ReadonlyArray<Figure> }

const dir = join(root, "bench/results")
const load = (name: string): Json | undefined => (existsSync(join(dir, `${name}.json`)) ? JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) : undefined)
const dateOf = (j: Json): string => String(j?.machine?.date ?? j?.date ?? j?.measuredAt ?? "?").slice(0, 16).replace("T", " ")

/** Figures of the results written before this summary existed, read from their own shapes. */
const older: Record<string, (j: Json) => ReadonlyArray<Figure>> = {
  parse: (j) => {
    const regex = j.throughput.find((r: Json) => String(r.name).startsWith("baseline: regex"))
    return j.throughput.filter((r: Json) => !String(r.name).startsWith("baseline")).map((r: Json): Figure => ({
      figure: `parser: ${r.name} (10 MB corpus)`,
      value: `${round(r.mbPerS, 1)} MB/s`,
      baseline: `${round(regex.mbPerS, 1)} MB/s (regex strip)`,
      ratio: ratio(r.mbPerS, regex.mbPerS),
      target: r.name === "batch parse" ? "≥ 200 MB/s" : "–",
      met: r.name === "batch parse" ? Boolean(j.targets?.batchAtLeast200MBs?.median) : null
    }))
  },
  store: (j) => {
    const figures: Array<Figure> = []
    for (const backend of j.results ?? []) {
      const raw16 = backend.rawInserts?.find((r: Json) => r.writers === 16)
      const app16 = backend.appends?.find((r: Json) => r.writers === 16 && r.shared === false)
      if (raw16 !== undefined && app16 !== undefined) {
        figures.push({ figure: `store: appends/s, 16 writers, ${backend.label}`, value: String(app16.perSecond), baseline: `${raw16.perSecond} (bare INSERT)`, ratio: ratio(app16.perSecond, raw16.perSecond), target: backend.label === "PostgreSQL" ? "≥ 5,000/s" : "–", met: backend.label === "PostgreSQL" ? app16.perSecond >= 5000 : null })
      }
    }
    for (const [name, t] of Object.entries(j.targets ?? {}) as Array<[string, Json]>) {
      if (name === "postgresAppendsPerSecondWith16Writers") continue
      figures.push({ figure: `store: ${name}`, value: String(t.measured), baseline: "SELECT 1 (see store.md)", ratio: null, target: `≤ ${t.target}`, met: t.met })
    }
    return figures
  },
  http: (j) => [
    ...j.throughput.map((r: Json): Figure => ({ figure: `http: ${r.route} req/s`, value: `${r.serverRps} (p50 ${r.serverP50ms} ms)`, baseline: `${r.bareKoaRps} (bare Koa)`, ratio: r.ratio, target: String(r.route).includes("/health") ? "≥ 0.8 × bare Koa" : "–", met: String(r.route).includes("/health") ? r.ratio >= 0.8 : null })),
    ...(j.coldStart ?? []).map((c: Json): Figure => ({ figure: `http: cold start to /health 200, ${c.database}`, value: `${c.medianMs} ms`, baseline: "see coldstart", ratio: null, target: c.database === "PostgreSQL" ? "≤ 400 ms" : "–", met: c.database === "PostgreSQL" ? c.medianMs <= 400 : null }))
  ],
  realtime: (j) => [
    { figure: "realtime: RSS per idle visitor socket", value: `${round(j.idle.ours.bytesPerSocket / 1024, 1)} KB`, baseline: `${round(j.idle.bare.bytesPerSocket / 1024, 1)} KB (bare socket.io)`, ratio: ratio(j.idle.ours.bytesPerSocket, j.idle.bare.bytesPerSocket), target: "< 30 KB", met: j.idle.ours.bytesPerSocket > 0 ? j.idle.ours.bytesPerSocket < 30 * 1024 : null },
    { figure: "realtime: token events/s to visitors", value: String(j.tokenEvents.ours.deltasPerSecond), baseline: `${j.tokenEvents.bare.deltasPerSecond} (bare socket.io emit loop)`, ratio: round(j.tokenEvents.ratio, 3), target: "≥ 0.7 × bare", met: j.tokenEvents.ratio >= 0.7 },
    { figure: "realtime: fan-out to 50 watching agents, deltas/s", value: String(j.fanOut.ours.deltasPerSecond), baseline: `${j.fanOut.bare.deltasPerSecond} (bare socket.io room)`, ratio: ratio(j.fanOut.ours.deltasPerSecond, j.fanOut.bare.deltasPerSecond), target: "–", met: null }
  ],
  widget: (j) => [
    { figure: "widget: loader gzip bytes", value: String(j.files.find((f: Json) => f.file === "widget.js")?.gzip), baseline: `${j.budget.loaderGzip} (budget)`, ratio: ratio(j.files.find((f: Json) => f.file === "widget.js")?.gzip, j.budget.loaderGzip), target: `≤ ${j.budget.loaderGzip}`, met: j.files.find((f: Json) => f.file === "widget.js")?.gzip <= j.budget.loaderGzip },
    { figure: "widget: loader + panel gzip bytes", value: String(j.total.gzip), baseline: `${j.budget.totalGzip} (budget); ${Object.entries(j.ratios ?? {}).map(([k, v]) => `${k} ×${v}`).join(", ")}`, ratio: ratio(j.total.gzip, j.budget.totalGzip), target: `≤ ${j.budget.totalGzip}`, met: j.withinBudget }
  ]
}
const commands: Record<string, string> = { parse: "npm run bench:parse", store: "npm run bench:store", http: "npm run bench:http", realtime: "npm run bench:realtime", widget: "npm run bench:widget" }
const order = ["parse", "store", "http", "realtime", "widget", "gateway", "warmup", "streaming", "idle", "coldstart"]

const sources: Array<Source> = []
const names = readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort((a, b) => (order.indexOf(a) + 100) % 100 - (order.indexOf(b) + 100) % 100)
for (const name of names) {
  const j = load(name)
  try {
    const figures: ReadonlyArray<Figure> = Array.isArray(j.figures) ? j.figures : older[name]?.(j) ?? []
    sources.push({ file: `${name}.json`, date: dateOf(j), command: j.command ?? commands[name] ?? "?", figures })
  } catch (error) {
    console.log(`${name}.json: shape not understood (${String(error)}); left out`)
  }
}

const cell = (v: unknown) => (v === null || v === undefined ? "–" : String(v).replace(/\|/g, "\\|"))
const met = (m: boolean | null) => (m === null ? "–" : m ? "yes" : "**no**")
const m = machine(root)
const lines = [
  "# Benchmark summary",
  "",
  `Gathered ${m.date.slice(0, 16).replace("T", " ")} UTC by \`npm run bench:summary\` (the last step of \`npm run bench\`), commit ${m.commit}, on ${m.cores} × ${m.cpu}, ${m.memoryGB} GB, Node ${m.node}. Every figure is beside a baseline measured in the same run on this shared, noisy machine: read the ratios.`,
  "",
  "| figure | value | baseline (same run) | ratio | target | met? | source, date |",
  "|---|---|---|---:|---|---|---|",
  ...sources.flatMap((s) => s.figures.map((f) => `| ${cell(f.figure)} | ${cell(f.value)} | ${cell(f.baseline)} | ${cell(f.ratio)} | ${cell(f.target)} | ${met(f.met)} | [${s.file.replace(".json", ".md")}](${s.file.replace(".json", ".md")}), ${s.date} |`)),
  "",
  "Commands: " + sources.map((s) => `\`${s.command}\``).join(", ") + ".",
  ""
]
writeFileSync(join(dir, "summary.md"), lines.join("\n"))
// The README's Benchmarks section shows the same table, between its markers.
const readme = join(root, "README.md")
const text = readFileSync(readme, "utf8")
const start = "<!-- bench:summary -->"
const end = "<!-- /bench:summary -->"
if (text.includes(start) && text.includes(end)) {
  const table = lines.slice(2).join("\n").replace(/\]\(([a-z]+\.md)\)/g, "](bench/results/$1)")
  writeFileSync(readme, `${text.slice(0, text.indexOf(start) + start.length)}\n${table}\n${text.slice(text.indexOf(end))}`)
}
console.log(lines.join("\n"))
