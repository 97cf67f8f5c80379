import { createRequire } from "node:module"
import { dirname } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import v8 from "node:v8"
import * as CodeCache from "./CodeCache.js"

/** The bundled server as scripts/bundle.ts wraps it: a function taking CommonJS's variables, import.meta.url and a callback for the address. */
type BundledServer = (
  exports: object,
  require: NodeJS.Require,
  module: { exports: object },
  filename: string,
  dirname: string,
  importMetaUrl: string,
  listening: (url: string) => void
) => void

// The production entry, bundled on its own as dist/server.mjs: compiles the server (dist/server.bundle.js)
// with the V8 code cache beside it (dist/server.bundle.js.cache, written by the build's warm-up start) and runs it.
const file = fileURLToPath(new URL("./server.bundle.js", import.meta.url))
const warmUp = process.env.CHATBOT_CODE_CACHE === "write"
// The warm-up start keeps the bytecode of what ran once (module init), which V8 would otherwise flush
// before the server listens; restored before the cache is written, since V8 stamps a cache with its flags.
if (warmUp) v8.setFlagsFromString("--no-flush-bytecode")
const compiled = CodeCache.compile(file, `${file}.cache`)

const listening = (url: string) => {
  if (warmUp) {
    // The build's warm-up start: one /health, the cache of everything compiled by then, a graceful stop.
    void fetch(`${url}/health`).then((res) => res.arrayBuffer()).catch(() => undefined).then(() => {
      v8.setFlagsFromString("--flush-bytecode")
      console.log(compiled.save() ? `code cache written: ${file}.cache` : "code cache not written")
      process.kill(process.pid, "SIGTERM")
    })
  } else if (compiled.state !== "accepted") {
    // No usable cache (another Node, a new bundle): write one once started, off the first requests' path, if the folder is writable.
    setTimeout(compiled.save, 2000).unref()
  }
}

const module = { exports: {} }
const server = compiled.script.runInThisContext() as BundledServer
server(module.exports, createRequire(file), module, file, dirname(file), pathToFileURL(file).href, listening)
