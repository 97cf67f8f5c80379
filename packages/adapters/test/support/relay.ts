import { createServer, type Server, Socket } from "node:net"

/**
 * A TCP relay to `host:port` that can be stopped (the listener closed, every connection cut) and
 * started again on the same port: a service going away and coming back, without touching it.
 */
export const startRelay = async (target: { readonly host: string; readonly port: number }, port = 0) => {
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const upstream = new Socket()
    upstream.connect(target.port, target.host)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on("close", () => sockets.delete(s)).on("error", () => {})
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve))
  const address = server.address() as { port: number }
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      for (const s of sockets) s.destroy()
    })
  return { port: address.port, stop }
}

/** A port nothing listens on (taken, then released). */
export const closedPort = async () => {
  const relay = await startRelay({ host: "127.0.0.1", port: 9 })
  await relay.stop()
  return relay.port
}
