import { Cookies, Headers, HttpClient, HttpClientError, type HttpClientRequest, HttpClientResponse, HttpIncomingMessage, UrlParams } from "@effect/platform"
import { Effect, Inspectable, Layer, Option, Stream } from "effect"
import { Readable } from "node:stream"
import { Agent, type Dispatcher, type FormData as UndiciFormData, request as undiciRequest } from "undici"

/** What undici answers a request with: status, headers and the body, a Node `Readable`. */
export type UndiciResponseData = Dispatcher.ResponseData

/**
 * A response of this client. `source` is undici's own answer, so that a reader can take the body's
 * reads straight from its `Readable` (see coze/ResponseBody.ts) instead of through a `Stream`.
 */
class UndiciResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  private cachedHeaders: Headers.Headers | undefined
  private cachedText: Effect.Effect<string, HttpClientError.ResponseError> | undefined

  constructor(readonly request: HttpClientRequest.HttpClientRequest, readonly source: UndiciResponseData) {
    super()
  }

  get status() {
    return this.source.statusCode
  }

  get headers() {
    return (this.cachedHeaders ??= Headers.fromInput(this.source.headers as Record<string, string | ReadonlyArray<string>>))
  }

  get cookies() {
    const setCookie = this.source.headers["set-cookie"]
    return setCookie === undefined ? Cookies.empty : Cookies.fromSetCookie(setCookie)
  }

  get remoteAddress() {
    return Option.none<string>()
  }

  private failed(cause: unknown): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return Stream.fromAsyncIterable(this.source.body as AsyncIterable<Uint8Array>, (cause) => this.failed(cause))
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    // Cached: a body can be read once, and callers may ask for the text more than once.
    return (this.cachedText ??= Effect.runSync(Effect.cached(Effect.tryPromise({ try: () => this.source.body.text(), catch: (cause) => this.failed(cause) }))))
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) => Effect.try({ try: () => (text === "" ? null : JSON.parse(text) as unknown), catch: (cause) => this.failed(cause) }))
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) => Effect.try({ try: () => UrlParams.fromInput(new URLSearchParams(text)), catch: (cause) => this.failed(cause) }))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.tryPromise({ try: () => this.source.body.arrayBuffer(), catch: (cause) => this.failed(cause) })
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.tryPromise({ try: () => new Response(Readable.toWeb(this.source.body) as ReadableStream, { headers: this.source.headers as Record<string, string> }).formData(), catch: (cause) => this.failed(cause) })
  }

  toJSON() {
    return HttpIncomingMessage.inspect(this, { _id: "@effect/platform/HttpClientResponse", request: this.request.toJSON(), status: this.status })
  }
}

/** undici's answer behind a response of this client, if it is one. */
export const undiciResponseOf = (response: HttpClientResponse.HttpClientResponse): UndiciResponseData | undefined =>
  response instanceof UndiciResponse ? response.source : undefined

/** A request's body as undici takes it. */
type RequestBody = string | Uint8Array | Readable | UndiciFormData | null

const bodyOf = (body: HttpClientRequest.HttpClientRequest["body"]): Effect.Effect<RequestBody> => {
  switch (body._tag) {
    case "Uint8Array":
      return Effect.succeed(body.body)
    case "Raw":
      return Effect.succeed(body.body as string | Uint8Array)
    case "FormData":
      // Node's own FormData is undici's; the package takes any form data alike.
      return Effect.succeed(body.formData as unknown as UndiciFormData)
    case "Stream":
      return Effect.map(Stream.toReadableStreamEffect(body.stream), (web) => Readable.fromWeb(web as import("node:stream/web").ReadableStream))
    case "Empty":
      return Effect.succeed(null)
  }
}

/** The platform's `HttpClient` on undici's `request`, through `dispatcher`. */
export const make = (dispatcher: Dispatcher): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) =>
    Effect.flatMap(bodyOf(request.body), (body) =>
      Effect.map(
        Effect.tryPromise({
          try: () => undiciRequest(url, {
            method: request.method,
            // undici counts the body itself; a header of its own that disagreed would fail the request.
            headers: Headers.remove(request.headers, "content-length"),
            body,
            signal,
            dispatcher
          }),
          catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
        }),
        (source) => new UndiciResponse(request, source)
      )))

/**
 * `HttpClient` on undici, its connections pooled by one `Agent` (destroyed with the layer: nothing
 * waits on a request still open). Node's `fetch` is undici too, behind the WHATWG Fetch layer: going
 * to undici's `request` straight spends about a third of fetch's CPU per request, and reads a body as
 * a Node `Readable` rather than a web stream (docs/performance.md, session 10). Keep-alive as
 * fetch's: an idle connection stays about 4 s.
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.scoped(
  HttpClient.HttpClient,
  Effect.map(
    Effect.acquireRelease(Effect.sync(() => new Agent()), (agent) => Effect.promise(() => agent.destroy())),
    make
  )
)
