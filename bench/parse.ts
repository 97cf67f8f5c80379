/**
 * Throughput of the function-call markup parser (packages/domain/src/logic/FunctionCallMarkup.ts):
 * batch, incremental with ~16-char and 1-char chunks, linearity 1–8 MB, against an indexOf scan and
 * a regex strip over the same corpus. Run: node --conditions=source --import tsx bench/parse.ts
 * Prints tables; writes bench/results/parse.json and bench/results/parse.md.
 */
import { execSync } from "node:child_process"
import { writeFileSync } from "node:fs"
import * as os from "node:os"
import { performance } from "node:perf_hooks"
import {
  FunctionCallBegin as B,
  FunctionCallEnd as E,
  makeIncrementalParser,
  parse
} from "../packages/domain/src/logic/FunctionCallMarkup.js"
import { IncrementalFunctionCallParser } from "../packages/domain/src/logic/IncrementalFunctionCallParser.js"

const MB = 1_000_000
const utf8 = (s: string) => Buffer.byteLength(s, "utf8")

/** mulberry32: a small deterministic PRNG, so every run parses the same corpus. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const english = [
  "Sure, let me look that up for you. ", "These running shoes come in three colours. ",
  "Shipping takes 3-5 working days [standard]. ", "Prices are in EUR <b>incl. VAT</b>. ", "Anything else? 😊 ",
  "Size 42 fits most feet; see the chart below.\n", "- **Trail Runner X**: lightweight, waterproof\n"
]
const chinese = [
  "好的，我来帮您查找合适的商品。", "这款运动鞋有三种颜色可选，", "订单一般在三到五个工作日内送达。",
  "请问您还需要什么帮助吗？", "以下是为您找到的结果：\n", "价格已包含增值税，支持七天无理由退货。🎉"
]
const tag = "think_never_used_51bce0c785ca2f68081bfa7d91973934"
const blocks = (r: () => number): string => {
  const kw = ["运动鞋", "shoes", "连衣裙", "backpack"][Math.floor(r() * 4)]
  const id = String(7_000_000_000_000_000_000n + BigInt(Math.floor(r() * 1e15)))
  switch (Math.floor(r() * 11)) {
    case 0: return `${B}[{"name":"get_product_list","parameters":{"keyword":"${kw}"}}]${E}`
    case 1: return `${B}{"name":"get_product_list","arguments":{"keyword":"${kw}","page":2}}${E}`
    case 2: return `${B}[{"name":"search","arguments":"{\\"q\\":\\"${kw}\\",\\"limit\\":5}"}]${E}`
    case 3: return `${B}[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\\"k\\":\\"${kw}\\"}"}}]${E}`
    case 4: return `${B}\n  [ {"name":"get_product","parameters":{"id":${id}}} ]\n${E}`
    case 5: return `${B}用户想找${kw}，我应该调用商品搜索工具。</think>[{"name":"get_product_list","parameters":{"keyword":"${kw}"}}]${E}`
    case 6: return `${B}<${tag}>[{"name":"transfer_to_agent"}]</${tag}>${E}`
    case 7: return `]${E}`
    case 8: return `${B}{"name":"broken","parameters":{${E}`
    case 9: return `${B}[{"name":"a"}]${E}${B}[{"name":"b","parameters":{"n":1}}]${E}`
    default: return `${B}[{"name":"unterminated","parameters":{"keyword":"${kw}"}}]${B}[]${E}`
  }
}

/**
 * A deterministic mixed corpus of at least `bytes` UTF-8 bytes: English, CJK and emoji sentences, and
 * a block of markup (of every variant, in turn at random) in place of a sentence with `blockShare` odds.
 * The default 0.1 gives about one block per 450 bytes (a dense worst case); 0.01, one per ~4.5 KB.
 */
const corpus = (bytes: number, seed = 42, blockShare = 0.1): string => {
  const r = prng(seed)
  const parts: Array<string> = []
  let size = 0
  while (size < bytes) {
    const roll = r()
    const p = roll < blockShare
      ? blocks(r)
      : roll < (1 + blockShare) / 2
      ? english[Math.floor(r() * english.length)]!
      : chinese[Math.floor(r() * chinese.length)]!
    parts.push(p)
    size += utf8(p)
  }
  return parts.join("")
}

/** Cuts `s` into chunks of about `bytesOf()` UTF-8 bytes each (at least one code point; pairs stay whole). */
const chunks = (s: string, bytesOf: () => number): Array<string> => {
  const out: Array<string> = []
  for (let i = 0; i < s.length;) {
    const budget = bytesOf()
    let j = i
    let bytes = 0
    while (j < s.length && (j === i || bytes < budget)) {
      const c = s.charCodeAt(j)
      const pair = c >= 0xd800 && c <= 0xdbff && j + 1 < s.length
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3
      j += pair ? 2 : 1
    }
    out.push(s.slice(i, j))
    i = j
  }
  return out
}

let sink = 0
type Timing = { median: number; best: number }
/**
 * Wall times, in ms, of each function: two warm-up calls each, then up to `runs` timed calls taken
 * round-robin (one call of each per round), so that load from other jobs on this shared machine falls
 * on all of them alike. Returns the median and the best time of each.
 */
const sample = (fs: ReadonlyArray<readonly [() => void, number]>): Array<Timing> => {
  for (const [f] of fs) {
    f()
    f()
  }
  const ts = fs.map(() => [] as Array<number>)
  const rounds = Math.max(...fs.map(([, runs]) => runs))
  for (let round = 0; round < rounds; round++) {
    fs.forEach(([f, runs], k) => {
      if (round >= runs) return
      const t0 = performance.now()
      f()
      ts[k]!.push(performance.now() - t0)
    })
  }
  return ts.map((xs) => {
    xs.sort((a, b) => a - b)
    return { median: xs[Math.floor(xs.length / 2)]!, best: xs[0]! }
  })
}

const indexOfScan = (s: string) => () => {
  let n = 0
  for (let i = s.indexOf("<|FunctionCall"); i !== -1; i = s.indexOf("<|FunctionCall", i + 14)) n++
  sink += n
}
const strip = /<\|FunctionCallBegin\|>[\s\S]*?(?:<\|FunctionCallEnd\|>|(?=<\|FunctionCallBegin\|>)|$)|\]?<\|FunctionCallEnd\|>/g
const regexStrip = (s: string) => () => {
  const t = s.replace(strip, "")
  sink += t.charCodeAt(t.length >> 1)
}
const batch = (s: string) => () => {
  const r = parse(s)
  sink += r.text.charCodeAt(r.text.length >> 1) + r.calls.length
}
/**
 * The splitter alone, block bodies handed to a no-op, the visible text built as `parse` builds it:
 * shows what decoding JSON into FunctionCalls costs.
 */
const splitOnly = (s: string) => () => {
  const ranges: Array<number> = []
  new IncrementalFunctionCallParser(() => undefined, ranges).feed(s, true)
  let text = ""
  for (let k = 0; k < ranges.length; k += 2) text += s.slice(ranges[k]!, ranges[k + 1]!)
  sink += text.charCodeAt(text.length >> 1)
}
const incremental = (cs: ReadonlyArray<string>) => () => {
  const p = makeIncrementalParser()
  let n = 0
  for (let i = 0; i < cs.length; i++) {
    const out = p.push(cs[i]!)
    n += out.text.length + out.calls.length
  }
  const last = p.end()
  sink += n + last.text.length + last.calls.length
}

const started = performance.now()
const loadAtStart = os.loadavg()[0]!
const full = corpus(10 * MB)
const fullBytes = utf8(full)
const r16 = prng(7)
const chunks16 = chunks(full, () => 1 + Math.floor(r16() * 31))

let corpusInfo = {}
// The incremental output must equal the batch output on this corpus, or the figures mean nothing.
{
  const want = parse(full)
  const p = makeIncrementalParser()
  const texts: Array<string> = []
  let calls = 0
  for (const c of chunks16) {
    const out = p.push(c)
    texts.push(out.text)
    calls += out.calls.length
  }
  const last = p.end()
  if (texts.join("") + last.text !== want.text || calls + last.calls.length !== want.calls.length) {
    throw new Error("incremental output differs from batch output")
  }
  corpusInfo = {
    bytes: fullBytes,
    utf16Units: full.length,
    calls: want.calls.length,
    malformedBlocks: want.malformed.length,
    visibleBytes: utf8(want.text),
    chunks16: chunks16.length
  }
  console.log(
    `corpus: ${(fullBytes / MB).toFixed(2)} MB UTF-8, ${full.length} UTF-16 units; ` +
      `${want.calls.length} calls, ${want.malformed.length} malformed blocks, visible ${(utf8(want.text) / MB).toFixed(2)} MB`
  )
}

type Row = {
  name: string
  ms: number
  bestMs: number
  mbPerS: number
  bestMbPerS: number
  vsIndexOf: number
  vsRegex: number
}
const measures: Array<readonly [string, () => void, number]> = [
  ["baseline: indexOf scan for <|FunctionCall", indexOfScan(full), 9],
  ["baseline: regex strip of blocks", regexStrip(full), 9],
  ["batch parse", batch(full), 9],
  ["incremental, ~16-byte chunks (1-31 B)", incremental(chunks16), 9],
  ["(diagnostic) batch, splitting only, bodies not decoded", splitOnly(full), 9]
]
const timings = sample(measures.map(([, f, runs]) => [f, runs] as const))
{
  // Seven million one-character strings make every garbage collection slower, so they live only here.
  const chunks1 = chunks(full, () => 1)
  measures.push([`incremental, 1-character chunks (${chunks1.length} pushes)`, incremental(chunks1), 3])
  timings.push(...sample([[incremental(chunks1), 3]]))
}
const mb10 = fullBytes / MB
const rows: Array<Row> = timings.map((t, k) => ({
  name: measures[k]![0],
  ms: t.median,
  bestMs: t.best,
  mbPerS: mb10 / (t.median / 1000),
  bestMbPerS: mb10 / (t.best / 1000),
  vsIndexOf: 0,
  vsRegex: 0
}))
for (const row of rows) {
  row.vsIndexOf = row.ms / rows[0]!.ms
  row.vsRegex = row.ms / rows[1]!.ms
}
console.log("\nThroughput over the 10 MB corpus (median of runs, best in brackets; × = median time / baseline's)")
console.table(rows.map((r) => ({
  what: r.name,
  ms: +r.ms.toFixed(1),
  "MB/s": `${r.mbPerS.toFixed(0)} (${r.bestMbPerS.toFixed(0)})`,
  "× indexOf": +r.vsIndexOf.toFixed(2),
  "× regex": +r.vsRegex.toFixed(2)
})))

/** The same measures over a sparse corpus (one block per ~4.5 KB), closer to a shop's real answers. */
const sparse = corpus(10 * MB, 43, 0.01)
const sparseBytes = utf8(sparse) / MB
const sparseChunks = (() => {
  const rs = prng(13)
  return chunks(sparse, () => 1 + Math.floor(rs() * 31))
})()
const sparseNames = ["baseline: regex strip of blocks", "batch parse", "incremental, ~16-byte chunks (1-31 B)"]
const sparseRows = sample([[regexStrip(sparse), 9], [batch(sparse), 9], [incremental(sparseChunks), 9]]).map((t, k) => ({
  name: sparseNames[k]!,
  ms: t.median,
  mbPerS: sparseBytes / (t.median / 1000),
  bestMbPerS: sparseBytes / (t.best / 1000),
  vsRegex: 0
}))
for (const row of sparseRows) row.vsRegex = row.ms / sparseRows[0]!.ms
const sparseBlocks = parse(sparse)
console.log(
  `\nSparse corpus: ${sparseBytes.toFixed(2)} MB, ${sparseBlocks.calls.length} calls (median, best in brackets; × = time / regex strip's)`
)
console.table(sparseRows.map((r) => ({
  what: r.name,
  ms: +r.ms.toFixed(1),
  "MB/s": `${r.mbPerS.toFixed(0)} (${r.bestMbPerS.toFixed(0)})`,
  "× regex": +r.vsRegex.toFixed(2)
})))

type Lin = { mb: number; batchMs: number; batchMsPerMb: number; batchRatio: number; incMs: number; incMsPerMb: number; incRatio: number }
const sizes = [1, 2, 4, 8].map((size) => {
  const s = corpus(size * MB, 99)
  const rs = prng(11)
  return { size, s, mb: utf8(s) / MB, cs: chunks(s, () => 1 + Math.floor(rs() * 31)) }
})
const linTimes = sample(sizes.flatMap(({ cs, s }) => [[batch(s), 9], [incremental(cs), 9]] as const))
const linearity: Array<Lin> = sizes.map(({ mb, size }, k) => {
  const batchMs = linTimes[2 * k]!.median
  const incMs = linTimes[2 * k + 1]!.median
  return { mb: size, batchMs, batchMsPerMb: batchMs / mb, batchRatio: 0, incMs, incMsPerMb: incMs / mb, incRatio: 0 }
})
for (const row of linearity) {
  row.batchRatio = row.batchMsPerMb / linearity[0]!.batchMsPerMb
  row.incRatio = row.incMsPerMb / linearity[0]!.incMsPerMb
}
console.log("\nLinearity (median of round-robin runs; ratio = time per MB / time per MB of the 1 MB row)")
console.table(linearity.map((r) => ({
  MB: r.mb,
  "batch ms": +r.batchMs.toFixed(1),
  "batch ms/MB": +r.batchMsPerMb.toFixed(2),
  "batch ratio": +r.batchRatio.toFixed(2),
  "incr. ms": +r.incMs.toFixed(1),
  "incr. ms/MB": +r.incMsPerMb.toFixed(2),
  "incr. ratio": +r.incRatio.toFixed(2)
})))

const commit = (() => {
  try {
    return execSync("git rev-parse HEAD", { encoding: "utf8" }).trim()
  } catch {
    return "unknown"
  }
})()
const machine = {
  cores: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? "unknown",
  memoryGB: +(os.totalmem() / 2 ** 30).toFixed(1),
  loadAverage1m: { atStart: +loadAtStart.toFixed(2), atEnd: +os.loadavg()[0]!.toFixed(2) },
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  date: new Date().toISOString(),
  commit
}
const batchRow = rows[2]!
const inc16 = rows[3]!
const sparseBatch = sparseRows[1]!
const sparseInc = sparseRows[2]!
const targets = {
  batchAtLeast200MBs: { median: batchRow.mbPerS >= 200, best: batchRow.bestMbPerS >= 200 },
  batchAtLeast200MBsSparse: { median: sparseBatch.mbPerS >= 200, best: sparseBatch.bestMbPerS >= 200 },
  incrementalAtLeastHalfOfBatchSparse: {
    median: sparseInc.mbPerS >= sparseBatch.mbPerS / 2,
    best: sparseInc.bestMbPerS >= sparseBatch.bestMbPerS / 2
  },
  incrementalAtLeastHalfOfBatch: {
    median: inc16.mbPerS >= batchRow.mbPerS / 2,
    best: inc16.bestMbPerS >= batchRow.bestMbPerS / 2
  }
}
const verdict = (t: { median: boolean; best: boolean }) =>
  `${t.median ? "met" : "not met"} on the median, ${t.best ? "met" : "not met"} on the best run`
writeFileSync(
  new URL("./results/parse.json", import.meta.url),
  JSON.stringify(
    {
      machine,
      corpus: { ...corpusInfo, mbIs: "10^6 UTF-8 bytes" },
      throughput: rows,
      sparseCorpus: { bytes: utf8(sparse), calls: sparseBlocks.calls.length, throughput: sparseRows },
      linearity,
      targets
    },
    null,
    2
  ) + "\n"
)
const cell = (s: string) => s.replaceAll("|", "\\|")
const md = [
  "# bench/parse.ts: function-call markup parser",
  "",
  `${machine.date.slice(0, 10)}, commit ${commit.slice(0, 10)}, node ${machine.node}, ${machine.cores} cores (${machine.cpu}), ` +
    `${machine.memoryGB} GB, 1-minute load average ${machine.loadAverage1m.atStart} at the start and ${machine.loadAverage1m.atEnd} at the end (the machine is shared with other jobs).`,
  `Corpus: ${(fullBytes / MB).toFixed(2)} MB UTF-8, a deterministic mix of English, CJK and emoji text with every markup variant ` +
    "(about one block per 450 bytes). MB = 10^6 UTF-8 bytes. Median of 9 runs taken round-robin (1-character chunks: " +
    "3 runs, on their own), best in brackets; × = median time / the baseline's.",
  "",
  "| what | ms | MB/s | × indexOf scan | × regex strip |",
  "|---|---:|---:|---:|---:|",
  ...rows.map((r) =>
    `| ${cell(r.name)} | ${r.ms.toFixed(1)} | ${r.mbPerS.toFixed(0)} (${r.bestMbPerS.toFixed(0)}) | ${r.vsIndexOf.toFixed(2)} | ${r.vsRegex.toFixed(2)} |`
  ),
  "",
  `Sparse corpus (${sparseBytes.toFixed(2)} MB, one block per ~4.5 KB, ${sparseBlocks.calls.length} calls):`,
  "",
  "| what | ms | MB/s | × regex strip |",
  "|---|---:|---:|---:|",
  ...sparseRows.map((r) =>
    `| ${r.name} | ${r.ms.toFixed(1)} | ${r.mbPerS.toFixed(0)} (${r.bestMbPerS.toFixed(0)}) | ${r.vsRegex.toFixed(2)} |`
  ),
  "",
  "Linearity (dense corpus; ratio = time per MB / time per MB of the 1 MB row):",
  "",
  "| MB | batch ms | batch ms/MB | ratio vs 1 MB | incremental ms | incr. ms/MB | ratio vs 1 MB |",
  "|---:|---:|---:|---:|---:|---:|---:|",
  ...linearity.map((r) =>
    `| ${r.mb} | ${r.batchMs.toFixed(1)} | ${r.batchMsPerMb.toFixed(2)} | ${r.batchRatio.toFixed(2)} | ${r.incMs.toFixed(1)} | ${r.incMsPerMb.toFixed(2)} | ${r.incRatio.toFixed(2)} |`
  ),
  "",
  `Targets, dense corpus: batch ≥ 200 MB/s ${verdict(targets.batchAtLeast200MBs)}; ` +
    `incremental (~16-byte chunks) ≥ half of batch ${verdict(targets.incrementalAtLeastHalfOfBatch)}. ` +
    `Sparse corpus: batch ≥ 200 MB/s ${verdict(targets.batchAtLeast200MBsSparse)}; ` +
    `incremental ≥ half of batch ${verdict(targets.incrementalAtLeastHalfOfBatchSparse)}.`,
  ""
].join("\n")
writeFileSync(new URL("./results/parse.md", import.meta.url), md)
console.log(`\n${md.split("\n").at(-2)}\nwrote bench/results/parse.json and parse.md in ${((performance.now() - started) / 1000).toFixed(1)} s (sink ${sink % 10})`)
