import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Deferred, Effect, Stream } from "effect"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import * as UndiciHttpClient from "../../src/http/UndiciHttpClient.js"

/** A local server answering with `handler`, counting its connections; closed with the scope. */
const serve = (handler: (req: IncomingMessage, body: string, res: ServerResponse) => void) =>
  Effect.gen(function*() {
    let connections = 0
    const server = createServer((req, res) => {
      const chunks: Array<Buffer> = []
      req.on("data", (c: Buffer) => chunks.push(c)).on("end", () => handler(req, Buffer.concat(chunks).toString("utf8"), res))
    })
    server.on("connection", () => { connections++ })
    yield* Effect.acquireRelease(
      Effect.async<void>((resume) => { server.listen(0, "127.0.0.1", () => resume(Effect.void)) }),
      () => Effect.sync(() => { server.closeAllConnections(); server.close() })
    )
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections }
  })

describe("UndiciHttpClient", () => {
  it.live("sends the method, path, query, headers and body, and reads status, headers and JSON", () =>
    Effect.gen(function*() {
      const seen: Array<{ method?: string | undefined; url?: string | undefined; type?: string | undefined; length?: string | undefined; auth?: string | undefined; body: string }> = []
      const { url } = yield* serve((req, body, res) => {
        seen.push({ method: req.method, url: req.url, type: req.headers["content-type"], length: req.headers["content-length"], auth: req.headers.authorization, body })
        res.writeHead(201, { "content-type": "application/json", "x-tt-logid": "log-1", "set-cookie": ["a=1", "b=2"] })
        res.end(JSON.stringify({ code: 0, data: { echoed: JSON.parse(body) as unknown } }))
      })
      const client = yield* HttpClient.HttpClient
      const request = HttpClientRequest.post(`${url}/v3/chat`).pipe(
        HttpClientRequest.setUrlParam("conversation_id", "c 1"),
        HttpClientRequest.bearerToken("secret"),
        HttpClientRequest.bodyUnsafeJson({ text: "¿Qué venden?" })
      )
      const response = yield* client.execute(request)
      expect(response.status).toBe(201)
      expect(response.headers["x-tt-logid"]).toBe("log-1")
      expect(response.cookies.cookies).toMatchObject({ a: { value: "1" }, b: { value: "2" } })
      expect(yield* response.json).toEqual({ code: 0, data: { echoed: { text: "¿Qué venden?" } } })
      // Read twice: the text is kept.
      expect(JSON.parse(yield* response.text)).toMatchObject({ code: 0 })
      const body = JSON.stringify({ text: "¿Qué venden?" })
      expect(seen).toEqual([{ method: "POST", url: "/v3/chat?conversation_id=c+1", type: "application/json", length: String(Buffer.byteLength(body)), auth: "Bearer secret", body }])
    }).pipe(Effect.scoped, Effect.provide(UndiciHttpClient.layer)))

  it.live.each([["undici", UndiciHttpClient.layer], ["fetch", FetchHttpClient.layer]] as const)("%s keeps a connection for the requests that follow", ([_name, layer]) =>
    Effect.gen(function*() {
      const server = yield* serve((_req, _body, res) => res.end("ok"))
      const client = yield* HttpClient.HttpClient
      // A moment between them: a request sent in the same tick as the last one's end may find its connection still busy (fetch alike).
      for (let i = 0; i < 3; i++) {
        expect(yield* Effect.flatMap(client.get(`${server.url}/health`), (r) => r.text)).toBe("ok")
        yield* Effect.sleep("10 millis")
      }
      expect(server.connections()).toBe(1)
    }).pipe(Effect.scoped, Effect.provide(layer)))

  it.live("streams a body piece by piece, in order", () =>
    Effect.gen(function*() {
      const { url } = yield* serve((_req, _body, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" })
        res.write("data: one\n\n")
        setTimeout(() => res.end("data: two\n\n"), 20)
      })
      const client = yield* HttpClient.HttpClient
      const pieces = yield* Stream.runCollect(Stream.decodeText((yield* client.get(url)).stream))
      expect(Chunk.join(pieces, "")).toBe("data: one\n\ndata: two\n\n")
    }).pipe(Effect.scoped, Effect.provide(UndiciHttpClient.layer)))

  it.live("aborts the request when its scope closes before the body ends: the server sees it go", () =>
    Effect.gen(function*() {
      const closed = yield* Deferred.make<boolean>()
      const { url } = yield* serve((_req, _body, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" })
        res.write("data: one\n\n")
        res.on("close", () => Effect.runSync(Deferred.succeed(closed, !res.writableFinished)))
      })
      const client = HttpClient.withScope(yield* HttpClient.HttpClient)
      yield* Effect.scoped(Effect.flatMap(client.get(url), (r) => Effect.sync(() => expect(r.status).toBe(200))))
      expect(yield* Deferred.await(closed).pipe(Effect.timeout("2 seconds"))).toBe(true)
    }).pipe(Effect.scoped, Effect.provide(UndiciHttpClient.layer)))

  it.live("fails as the platform's RequestError (Transport) when nothing listens", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const error = yield* Effect.flip(client.get("http://127.0.0.1:9/"))
      expect(error).toMatchObject({ _tag: "RequestError", reason: "Transport" })
    }).pipe(Effect.scoped, Effect.provide(UndiciHttpClient.layer)))
})
