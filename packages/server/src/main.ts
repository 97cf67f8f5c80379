import { Cause, ManagedRuntime } from "effect"
import { fileURLToPath } from "node:url"
import { AppLive } from "./App.js"
import { HttpAddress } from "./Http.js"

/** Set to `true` by the bundler (packages/server/scripts/bundle.ts); undefined when run from source or tsc's output. */
declare const __CHATBOT_BUNDLE__: boolean | undefined
/** In the bundle, the loader's callback (src/startBundle.ts), told the address once the server listens. */
declare const __chatbotListening: ((url: string) => void) | undefined

// The bundle serves the assets copied beside it (dist/assets) unless CHATBOT_ASSETS_DIR names others.
if (typeof __CHATBOT_BUNDLE__ !== "undefined" && process.env.CHATBOT_ASSETS_DIR === undefined) {
  process.env.CHATBOT_ASSETS_DIR = fileURLToPath(new URL("./assets", import.meta.url))
}

const runtime = ManagedRuntime.make(AppLive)

let stopping = false
const stop = (signal: string) => {
  if (stopping) return
  stopping = true
  console.log(`${signal}: shutting down`)
  runtime.dispose().then(() => process.exit(0), (e) => {
    console.error("shutdown failed", e)
    process.exit(1)
  })
}

runtime.runPromiseExit(HttpAddress).then((exit) => {
  if (exit._tag === "Failure") {
    const failure = Cause.failureOption(exit.cause)
    console.error(failure._tag === "Some" ? `Cannot start: ${String(failure.value)}` : Cause.pretty(exit.cause))
    process.exit(1)
  }
  console.log(`Chatbot-Node listening on ${exit.value.url}`)
  if (typeof __chatbotListening === "function") __chatbotListening(exit.value.url)
  process.once("SIGTERM", () => stop("SIGTERM"))
  process.once("SIGINT", () => stop("SIGINT"))
})
