/**
 * The Coze simulator in a process of its own (its CPU is measured apart from the server's).
 * Prints `SIM {url, pat, plainBotId, longBotId, oauth}`; a stdin line `{"pace": {...} | null}` re-paces it (`PACED`).
 */
import { startCozeSimulator } from "@chatbot-node/coze-sim"
import { createInterface } from "node:readline"

const sim = await startCozeSimulator({ port: 0 })
console.log(`SIM ${JSON.stringify({ url: sim.url, pat: sim.pat, plainBotId: sim.bots.plain, longBotId: sim.bots.long, oauth: { ...sim.oauth, audience: sim.audience } })}`)
createInterface({ input: process.stdin }).on("line", (line) => {
  const { pace } = JSON.parse(line) as { pace: { firstTokenMs: number; tokensPerSecond: number } | null }
  sim.pace(pace ?? undefined)
  console.log(`PACED ${JSON.stringify(pace)}`)
})
process.once("SIGTERM", () => { void sim.close().then(() => process.exit(0)) })
