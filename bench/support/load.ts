import { join } from "node:path"
import { createInterface } from "node:readline"
import type { LoadSpec, StreamsResult } from "./loadWorker.js"
import { root, startProcess } from "./processes.js"

const worker = join(root, "bench/support/loadWorker.ts")

/**
 * The load-generator process that runs every chat-stream run and every hold of idle connections of
 * this bench, started on the first (a process each cost 1–2.5 s, a minute of `npm run bench`). It does
 * not keep the bench alive: it holds the event loop only while a request to it is under way.
 */
type Waiter = { readonly ready?: (open: number) => void; readonly done: (line: string) => void }
let server: { readonly send: (spec: string, waiter: Waiter) => string; readonly close: (id: string) => void } | undefined
const loadServer = () => {
  if (server !== undefined) return server
  const p = startProcess(["--conditions=source", "--import", "tsx", worker], {}, { files: 65536 })
  const pipes = [p.child.stdin, p.child.stdout, p.child.stderr] as unknown as Array<{ ref(): void; unref(): void }>
  const hold = (on: boolean) => { for (const pipe of [p.child, ...pipes]) if (on) pipe.ref(); else pipe.unref() }
  hold(false)
  const waiting = new Map<string, Waiter>()
  let next = 0
  createInterface({ input: p.child.stdout! }).on("line", (line) => {
    const m = /^(RESULT|READY) (\S+) (.*)$/.exec(line)
    const waiter = m === null ? undefined : waiting.get(m[2]!)
    if (m === null || waiter === undefined) return
    if (m[1] === "READY") return waiter.ready?.(Number(m[3]))
    waiting.delete(m[2]!)
    if (waiting.size === 0) hold(false)
    waiter.done(m[3]!)
  })
  p.child.once("exit", (code) => {
    for (const w of waiting.values()) w.done(JSON.stringify({ exited: code, output: p.output().slice(-2000) }))
    waiting.clear()
  })
  server = {
    send: (spec, waiter) => {
      const id = String(next++)
      hold(true)
      waiting.set(id, waiter)
      p.child.stdin!.write(`${id} ${spec}\n`)
      return id
    },
    close: (id) => { p.child.stdin!.write(`close ${id}\n`) }
  }
  return server
}

const failure = (answer: unknown) =>
  typeof answer === "object" && answer !== null && ("exited" in answer || "failed" in answer) ? new Error(`the load generator failed: ${JSON.stringify(answer)}`) : undefined

/** No runs yet: what `mergeStreams` adds runs to. */
export const noStreams: StreamsResult = { ttftMs: [], ttltMs: [], gapsMs: [], tokens: 0, chars: 0, streams: 0, errors: 0, elapsedMs: 0 }

/** Two runs' timings as one (their samples joined, their counts and times summed, the first error kept). */
export const mergeStreams = (a: StreamsResult, b: StreamsResult): StreamsResult => ({
  ttftMs: [...a.ttftMs, ...b.ttftMs], ttltMs: [...a.ttltMs, ...b.ttltMs], gapsMs: [...a.gapsMs, ...b.gapsMs],
  tokens: a.tokens + b.tokens, chars: a.chars + b.chars, streams: a.streams + b.streams, errors: a.errors + b.errors,
  firstError: a.firstError ?? b.firstError, elapsedMs: a.elapsedMs + b.elapsedMs
})

/** Runs chat streams from the load-generator process and returns their timings. */
export const runStreams = async (spec: Extract<LoadSpec, { mode: "streams" }>): Promise<StreamsResult> => {
  const answer = JSON.parse(await new Promise<string>((done) => loadServer().send(JSON.stringify(spec), { done }))) as StreamsResult
  const error = failure(answer)
  if (error !== undefined) throw error
  return answer
}

/** Opens idle connections from the load-generator process; `close()` ends them. */
export const holdIdle = async (spec: Exclude<LoadSpec, { mode: "streams" }>) => {
  let ended: (line: string) => void = () => {}
  const result = new Promise<string>((resolve) => { ended = resolve })
  const server = loadServer()
  let id = ""
  const open = await new Promise<number>((ready, reject) => {
    id = server.send(JSON.stringify(spec), { ready, done: (line) => { ended(line); reject(failure(JSON.parse(line)) ?? new Error("the hold ended before it was ready")) } })
  })
  return {
    open,
    close: async () => {
      server.close(id)
      const error = failure(JSON.parse(await result))
      if (error !== undefined) throw error
    }
  }
}

export type { LoadSpec, StreamsResult }
