import { FetchHttpClient, HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option, Stream } from "effect"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import * as ResponseBody from "../../src/coze/ResponseBody.js"

/** A local server answering every request with `handler`, closed with the scope; its URL. */
const serve = (handler: Parameters<typeof createServer>[1]) =>
  Effect.gen(function*() {
    const server = createServer(handler)
    yield* Effect.acquireRelease(
      Effect.async<void>((resume) => { server.listen(0, "127.0.0.1", () => resume(Effect.void)) }),
      () => Effect.sync(() => server.close())
    )
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  })

/** Every read of `read` until its end, joined into text. */
const readAll = (read: ResponseBody.BodyRead) =>
  Effect.gen(function*() {
    const pieces: Array<Uint8Array> = []
    for (;;) {
      const next = yield* read
      if (Option.isNone(next)) return Buffer.concat(pieces).toString("utf8")
      pieces.push(...next.value)
    }
  })

describe("ResponseBody.reader", () => {
  it.live("reads a scoped fetch client's response (as CozeHttp.sse opens one) straight from fetch, to the end", () =>
    Effect.gen(function*() {
      const url = yield* serve((_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" })
        res.write("data: one\n\n")
        setTimeout(() => res.end("data: two\n\n"), 20)
      })
      const client = HttpClient.withScope(yield* HttpClient.HttpClient)
      const response = yield* client.execute(HttpClientRequest.get(url))
      // The fast path rests on the platform's fetch client keeping the fetch Response: an upgrade that drops it shows here.
      expect(ResponseBody.readsDirectly(response)).toBe(true)
      expect(yield* readAll(yield* ResponseBody.reader(response))).toBe("data: one\n\ndata: two\n\n")
    }).pipe(Effect.scoped, Effect.provide(FetchHttpClient.layer)))

  it.effect("reads any other client's response through its stream, every piece in order", () =>
    Effect.gen(function*() {
      const pieces = ["data: one\n", "\n", "data: two\n\n"]
      const request = HttpClientRequest.get("http://127.0.0.1/")
      const web = HttpClientResponse.fromWeb(request, new Response("unused"))
      // A response of some other client: no fetch Response behind it, only its body's stream.
      const other = Object.create(Object.getPrototypeOf(web), {
        request: { value: request },
        stream: { value: Stream.fromIterable(pieces.map((p) => new TextEncoder().encode(p))) }
      }) as HttpClientResponse.HttpClientResponse
      expect(ResponseBody.readsDirectly(other)).toBe(false)
      expect(yield* readAll(yield* ResponseBody.reader(other))).toBe(pieces.join(""))
    }).pipe(Effect.scoped))

  it.live("fails a read as the platform's ResponseError when the connection drops mid-body", () =>
    Effect.gen(function*() {
      const url = yield* serve((_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" })
        res.write("data: first\n\n")
        setTimeout(() => res.socket?.destroy(), 50)
      })
      const client = yield* HttpClient.HttpClient
      const response = yield* client.execute(HttpClientRequest.get(url))
      const error = yield* Effect.flip(readAll(yield* ResponseBody.reader(response)))
      expect(error).toMatchObject({ _tag: "ResponseError", reason: "Decode" })
    }).pipe(Effect.scoped, Effect.provide(FetchHttpClient.layer)))
})
