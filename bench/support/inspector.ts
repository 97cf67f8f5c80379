import { createWriteStream, readFileSync } from "node:fs"
import { setTimeout as sleep } from "node:timers/promises"
import WebSocket from "ws"
import { rssOf, waitFor } from "./processes.js"

/** The node flags a process needs for `inspect` below (give a bench's server and its baselines the same). */
export const inspectArgs = ["--inspect=127.0.0.1:0"] as const

/** Memory of a process right after full collections (bytes). */
export interface Memory {
  readonly rss: number
  readonly heapUsed: number
  readonly heapTotal: number
  /** Memory outside the JS heap that V8 knows about (Buffers, ArrayBuffers, native objects). */
  readonly external: number
  /** `rss` without the JS heap's reserved pages: C++ allocations, socket buffers, code. */
  readonly offHeap: number
}

/** A DevTools-protocol session on a child started with `inspectArgs`. */
export interface Inspector {
  readonly call: (method: string, params?: object) => Promise<any>
  /** Listens to a protocol event (one listener per event). */
  readonly on: (method: string, listener: (params: any) => void) => void
  /** Full collections, then one reading; the lowest RSS of `readings` such rounds `everyMs` apart. */
  readonly memory: (readings?: number, everyMs?: number) => Promise<Memory>
  readonly close: () => void
}

/** Connects to a child's inspector (its `Debugger listening on ws://…` line). */
export const inspect = async (p: Parameters<typeof waitFor>[0] & { readonly pid: number }): Promise<Inspector> => {
  const url = (await waitFor(p, /Debugger listening on (ws:\/\/\S+)/))[1]!
  const ws = new WebSocket(url, { maxPayload: 2 ** 30 })
  await new Promise((resolve, reject) => { ws.once("open", resolve); ws.once("error", reject) })
  let next = 1
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const listeners = new Map<string, (params: any) => void>()
  ws.on("message", (raw) => {
    const m = JSON.parse(raw.toString()) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown }
    if (m.id === undefined) return listeners.get(m.method!)?.(m.params)
    const waiter = pending.get(m.id)
    pending.delete(m.id)
    if (m.error !== undefined) waiter?.reject(new Error(m.error.message))
    else waiter?.resolve(m.result)
  })
  const call = (method: string, params: object = {}) =>
    new Promise<any>((resolve, reject) => {
      const id = next++
      pending.set(id, { resolve, reject })
      ws.send(JSON.stringify({ id, method, params }))
    })
  const once = async () => {
    // Two rounds: a first full collection can leave objects that only weak references or
    // finalizers held, which the second one frees.
    await call("HeapProfiler.collectGarbage")
    await call("HeapProfiler.collectGarbage")
    await sleep(200)
    const { result } = await call("Runtime.evaluate", { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true })
    const usage = JSON.parse(result.value as string) as { heapUsed: number; heapTotal: number; external: number }
    const rss = rssOf(p.pid)
    return { rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, offHeap: rss - usage.heapTotal }
  }
  return {
    call,
    on: (method, listener) => { listeners.set(method, listener) },
    memory: async (readings = 3, everyMs = 300) => {
      let best: Memory | undefined
      for (let i = 0; i < readings; i++) {
        if (i > 0) await sleep(everyMs)
        const m = await once()
        if (best === undefined || m.rss < best.rss) best = m
      }
      return best!
    },
    close: () => { listeners.clear(); ws.close() }
  }
}

/** Writes a heap snapshot of the inspected process to `file` (open it in Chrome's Memory tab). */
export const heapSnapshot = async (inspector: Inspector, file: string) => {
  const out = createWriteStream(file)
  inspector.on("HeapProfiler.addHeapSnapshotChunk", (params: { chunk: string }) => out.write(params.chunk))
  await inspector.call("HeapProfiler.takeHeapSnapshot", { reportProgress: false })
  inspector.on("HeapProfiler.addHeapSnapshotChunk", () => undefined)
  await new Promise((resolve) => out.end(resolve))
}

/** Vm sizes of a process from /proc (kB), for a report. */
export const vmOf = (pid: number) =>
  Object.fromEntries([...readFileSync(`/proc/${pid}/status`, "utf8").matchAll(/^(Vm\w+|Rss\w+):\s+(\d+) kB/gm)].map((m) => [m[1]!, Number(m[2])]))
