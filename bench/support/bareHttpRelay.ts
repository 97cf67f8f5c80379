/**
 * A baseline of the gateway bench: the least any HTTP relay in front of Coze does. `POST /v3/chat`
 * is read, sent on to the simulator at BARE_UPSTREAM with fetch, and the simulator's streamed
 * answer is written back chunk by chunk as it comes: no store, no auth, no checks, no parsing of the
 * events. The time it adds over the simulator is the second HTTP hop's, which every relay pays.
 * Prints `listening on <url>`.
 */
import { createServer } from "node:http"

const upstream = process.env.BARE_UPSTREAM!
const server = createServer((req, res) => {
  const chunks: Array<Buffer> = []
  req.on("data", (c: Buffer) => chunks.push(c))
  req.on("end", () => {
    void fetch(`${upstream}${req.url}`, {
      method: req.method ?? "POST",
      headers: { "content-type": "application/json", authorization: req.headers.authorization ?? "" },
      body: Buffer.concat(chunks)
    }).then(async (answer) => {
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "text/event-stream" })
      res.socket?.setNoDelay(true)
      const reader = answer.body!.getReader()
      for (let r = await reader.read(); !r.done; r = await reader.read()) res.write(r.value)
      res.end()
    }).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502)
      res.end(String(error))
    })
  })
})
server.listen(0, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${(server.address() as { port: number }).port}`))
