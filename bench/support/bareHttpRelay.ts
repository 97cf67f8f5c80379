/**
 * A baseline of the gateway bench: the least any HTTP relay in front of Coze does. `POST /v3/chat`
 * is piped on to the simulator at BARE_UPSTREAM with `node:http` over kept-alive connections, and
 * the simulator's streamed answer is piped back as it comes: no store, no auth, no checks, no parsing
 * of the events (pipeRelayHandler.ts). The time it adds over the simulator is the second HTTP hop's,
 * which every relay pays. Prints `listening on <url>`.
 */
import { createServer } from "node:http"
import { pipeRelayHandler } from "./pipeRelayHandler.js"

const server = createServer(pipeRelayHandler(process.env.BARE_UPSTREAM!))
server.listen(0, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${(server.address() as { port: number }).port}`))
