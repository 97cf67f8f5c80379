import { FetchHttpClient, HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Option, Stream } from "effect"
import { createServer, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import * as ResponseBody from "../../src/coze/ResponseBody.js"
import * as UndiciHttpClient from "../../src/http/UndiciHttpClient.js"

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

/** A server answering an event stream: `first` at once, then `later(res)` after `afterMs`; the URL of its scoped client's response. */
const openEvents = (first: string, afterMs: number, later: (res: ServerResponse) => void) =>
  Effect.gen(function*() {
    const url = yield* serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" })
      res.write(first)
      setTimeout(() => later(res), afterMs)
    })
    const client = HttpClient.withScope(yield* HttpClient.HttpClient)
    return yield* client.execute(HttpClientRequest.get(url))
  })

describe("ResponseBody.reader", () => {
  // The server's client (undici) and the platform's fetch client: both are read without a stream's run.
  for (const [name, clientLayer] of [["undici", UndiciHttpClient.layer], ["fetch", FetchHttpClient.layer]] as const) {
    it.live(`reads a scoped ${name} client's response (as CozeHttp.sse opens one) straight from the client, to the end`, () =>
      Effect.gen(function*() {
        const response = yield* openEvents("data: one\n\n", 20, (res) => res.end("data: two\n\n"))
        // The fast path rests on the client keeping its own response: an upgrade that drops it shows here.
        expect(ResponseBody.readsDirectly(response)).toBe(true)
        expect(yield* readAll(yield* ResponseBody.reader(response))).toBe("data: one\n\ndata: two\n\n")
      }).pipe(Effect.scoped, Effect.provide(clientLayer)))

    it.live(`fails a ${name} read as the platform's ResponseError when the connection drops mid-body`, () =>
      Effect.gen(function*() {
        const response = yield* openEvents("data: first\n\n", 50, (res) => res.socket?.destroy())
        const error = yield* Effect.flip(readAll(yield* ResponseBody.reader(response)))
        expect(error).toMatchObject({ _tag: "ResponseError", reason: "Decode" })
      }).pipe(Effect.scoped, Effect.provide(clientLayer)))
  }

  it.live("an undici read stopped while it waits leaves the body as it was: the next read gets what came meanwhile", () =>
    Effect.gen(function*() {
      const response = yield* openEvents("data: one\n\n", 100, (res) => res.end("data: two\n\n"))
      const read = yield* ResponseBody.reader(response)
      expect(Option.map(yield* read, (pieces) => Buffer.concat(pieces).toString())).toEqual(Option.some("data: one\n\n"))
      const body = UndiciHttpClient.undiciResponseOf(response)!.body
      const waiting = yield* Effect.fork(read)
      yield* Effect.sleep("20 millis")
      expect(body.listenerCount("readable")).toBe(1)
      yield* Fiber.interrupt(waiting)
      expect(body.listenerCount("readable")).toBe(0)
      expect(yield* readAll(read)).toBe("data: two\n\n")
    }).pipe(Effect.scoped, Effect.provide(UndiciHttpClient.layer)))

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
})
