import { AppLive, Http } from "@chatbot-node/server"
import { ConfigProvider, Layer, ManagedRuntime } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** A port nobody listens on right now. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().once("error", reject).listen(0, "127.0.0.1", () => {
      const port = (probe.address() as { port: number }).port
      probe.close(() => resolve(port))
    })
  })

/**
 * Starts the real server (PGlite in a temporary directory, the demo bot) on a free port, with
 * PUBLIC_URL naming that port so that the demo catalog's image addresses resolve.
 */
export const startServer = async (env: Record<string, string> = {}) => {
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), "chatbot-widget-test-"))
  const provider = ConfigProvider.fromMap(new Map(Object.entries({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    NODE_ENV: "test",
    DEMO_TOKEN_DELAY_MIN_MS: "3",
    DEMO_TOKEN_DELAY_MAX_MS: "6",
    SHUTDOWN_GRACE: "2",
    SSE_HEARTBEAT: "1",
    RATE_LIMIT_VISITOR: "100000/60",
    RATE_LIMIT_IP: "100000/60",
    RATE_LIMIT_LOGIN: "100000/60",
    ...env
  })))
  const runtime = ManagedRuntime.make(AppLive.pipe(Layer.provide(Layer.setConfigProvider(provider))))
  const address = await runtime.runPromise(Http.HttpAddress)
  const stop = async () => {
    await runtime.dispose()
    rmSync(dataDir, { recursive: true, force: true })
  }
  return { url: address.url, runtime, stop }
}
