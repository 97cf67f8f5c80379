import { join } from "node:path"
import type { LoadSpec, StreamsResult } from "./loadWorker.js"
import { root, startProcess, stopProcess, waitFor } from "./processes.js"

const worker = join(root, "bench/support/loadWorker.ts")
const args = (spec: LoadSpec) => ["--conditions=source", "--import", "tsx", worker, JSON.stringify(spec)]

/** Runs chat streams from a load-generator process and returns their timings. */
export const runStreams = async (spec: Extract<LoadSpec, { mode: "streams" }>): Promise<StreamsResult> => {
  const p = startProcess(args(spec), {}, { files: 65536, keepAll: true })
  const m = await waitFor(p, /^RESULT (.*)\n/m, spec.timeLimitMs + 120_000)
  await stopProcess(p.child)
  return JSON.parse(m[1]!) as StreamsResult
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
