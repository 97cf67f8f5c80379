import { join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { root, startProcess, stopProcess, waitFor } from "./processes.js"

/** The pace of a real bot (first token after 300 ms, 30 tokens/s), or none (as fast as it can). */
export type Pace = { readonly firstTokenMs: number; readonly tokensPerSecond: number } | null

/** Starts the Coze simulator as a child process. */
export const startSim = async () => {
  const p = startProcess(["--conditions=source", "--import", "tsx", join(root, "bench/support/simProcess.ts")])
  const info = JSON.parse((await waitFor(p, /^SIM (.*)$/m))[1]!) as {
    url: string
    pat: string
    plainBotId: string
    longBotId: string
    oauth: { clientId: string; kid: string; privateKeyPem: string; audience: string }
  }
  let paced = 0
  return {
    ...info,
    pid: p.child.pid!,
    pace: async (pace: Pace) => {
      paced++
      p.child.stdin!.write(`${JSON.stringify({ pace })}\n`)
      while ((p.output().match(/^PACED /gm) ?? []).length < paced) await sleep(5)
    },
    /** The server's environment for Coze mode against this simulator. */
    env: (bot: "plain" | "long" = "plain"): Record<string, string> => ({ COZE_BOT_ID: bot === "long" ? info.longBotId : info.plainBotId, COZE_API_TOKEN: info.pat, COZE_BASE_URL: info.url }),
    /** The same with the OAuth JWT app: a token exchanged per visitor. */
    jwtEnv: (): Record<string, string> => ({
      COZE_BOT_ID: info.plainBotId,
      COZE_BASE_URL: info.url,
      COZE_CLIENT_ID: info.oauth.clientId,
      COZE_PUBLIC_KEY: info.oauth.kid,
      COZE_PRIVATE_KEY: info.oauth.privateKeyPem,
      COZE_AUDIENCE: info.oauth.audience
    }),
    stop: () => stopProcess(p.child)
  }
}
