import { join } from "node:path"
import { createInterface } from "node:readline"
import type { LoadSpec, StreamsResult } from "./loadWorker.js"
import { root, startProcess, stopProcess, waitFor } from "./processes.js"

const worker = join(root, "bench/support/loadWorker.ts")
const args = (spec: LoadSpec) => ["--conditions=source", "--import", "tsx", worker, JSON.stringify(spec)]

/**
 * The load-generator process that runs every chat-stream run of this bench, one after another, started
 * on the first (a process per run cost about a second each, a minute of `npm run bench`). It does not
 * keep the bench alive: it holds the event loop only while a run is under way.
 */
let server: { readonly send: (spec: string) => Promise<string> } | undefined
const streamServer = () => {
  if (server !== undefined) return server
  const p = startProcess(["--conditions=source", "--import", "tsx", worker, "serve"], {}, { files: 65536 })
  const pipes = [p.child.stdin, p.child.stdout, p.child.stderr] as unknown as Array<{ ref(): void; unref(): void }>
  const hold = (on: boolean) => { for (const pipe of [p.child, ...pipes]) if (on) pipe.ref(); else pipe.unref() }
  hold(false)
  const waiting: Array<(line: string) => void> = []
  createInterface({ input: p.child.stdout! }).on("line", (line) => { if (line.startsWith("RESULT ")) waiting.shift()?.(line.slice("RESULT ".length)) })
  p.child.once("exit", (code) => { for (const w of waiting.splice(0)) w(JSON.stringify({ exited: code, output: p.output().slice(-2000) })) })
  server = {
    send: (spec) => new Promise<string>((resolve) => {
      hold(true)
      waiting.push((line) => { if (waiting.length === 0) hold(false); resolve(line) })
      p.child.stdin!.write(`${spec}\n`)
    })
  }
  return server
}

/** Runs chat streams from the load-generator process and returns their timings. */
export const runStreams = async (spec: Extract<LoadSpec, { mode: "streams" }>): Promise<StreamsResult> => {
  const answer = JSON.parse(await streamServer().send(JSON.stringify(spec))) as StreamsResult | { exited: number | null; output: string }
  if ("exited" in answer) throw new Error(`the load generator exited (${answer.exited}): ${answer.output}`)
  return answer
}

/** Opens idle connections from a load-generator process; `close()` ends them and the process. */
export const holdIdle = async (spec: Exclude<LoadSpec, { mode: "streams" }>) => {
  const p = startProcess(args(spec), {}, { files: 65536 })
  const m = await waitFor(p, /^READY (\d+)$/m, 300_000)
  return {
    open: Number(m[1]),
    close: async () => {
      p.child.stdin!.write("close\n")
      await waitFor(p, /^RESULT /m, 60_000).catch(() => undefined)
      await stopProcess(p.child)
    }
  }
}

export type { LoadSpec, StreamsResult }
