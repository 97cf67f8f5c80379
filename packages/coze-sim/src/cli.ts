import { mkdirSync, writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { startCozeSimulator } from "./CozeSimulator.js"

/** `npm run coze-sim`: runs the simulator on port 8787 (or `COZE_SIM_PORT`) until interrupted. */
const port = Number(process.env.COZE_SIM_PORT ?? "8787")
const sim = await startCozeSimulator({ port })
const keyPath = resolve("data", "coze-sim-private.pem")
mkdirSync(resolve("data"), { recursive: true })
writeFileSync(keyPath, sim.oauth.privateKeyPem, { mode: 0o600 })

console.log(`Coze simulator listening on ${sim.url}

  COZE_BASE_URL=${sim.url}
  COZE_AUDIENCE=${sim.audience}
  COZE_API_TOKEN=${sim.pat}
or the OAuth JWT app:
  COZE_CLIENT_ID=${sim.oauth.clientId}
  COZE_PUBLIC_KEY=${sim.oauth.kid}
  COZE_PRIVATE_KEY_PATH=${keyPath}

  COZE_WORKSPACE_ID=${sim.workspaceId}
  COZE_BOT_ID=${sim.bots.plain}
bots: ${Object.entries(sim.bots).map(([name, id]) => `${name}=${id}`).join(" ")}
`)

const stop = () => {
  void sim.close().then(() => process.exit(0))
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
