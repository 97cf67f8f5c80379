import { HttpClient, type HttpClientError, HttpClientRequest, type HttpClientResponse } from "@effect/platform"
import type { Errors } from "@chatbot-node/domain"
import { Clock, Duration, Effect, Either, Option, Redacted, Schema, type Scope } from "effect"
import type { ResolvedCozeOptions } from "./CozeConfig.js"
import * as CozeErrors from "./CozeErrors.js"
import { Envelope } from "./CozeWire.js"
import { parseLossless } from "./LosslessJson.js"
import * as ResponseBody from "./ResponseBody.js"
import type { BodyRead } from "./ResponseBody.js"

/** Coze's HTTP surface: base URL and proxy secret applied, every failure mapped and logged. */
export interface CozeHttp {
  /** Sends a request and reads its whole body (within the request timeout), whatever the status. */
  readonly text: (
    request: HttpClientRequest.HttpClientRequest,
    path: string
  ) => Effect.Effect<{ readonly body: string; readonly response: HttpClientResponse.HttpClientResponse }, Errors.BotGatewayError>
  /** Sends a request and decodes the `data` of a successful `{code:0}` envelope. */
  readonly json: <A, I>(
    request: HttpClientRequest.HttpClientRequest,
    path: string,
    data: Schema.Schema<A, I>
  ) => Effect.Effect<A, Errors.BotGatewayError>
  /**
   * Opens an SSE response; a JSON body (an error envelope) or a bad status fails before any event.
   * Its body is read with `read`; the request (and its body) is aborted when the caller's scope
   * closes. The reads' failures are the platform's, for the reader to map (`CozeErrors.fromHttpClientError`).
   */
  readonly sse: (
    request: HttpClientRequest.HttpClientRequest,
    path: string
  ) => Effect.Effect<{ readonly read: BodyRead; readonly logId: string | undefined }, Errors.BotGatewayError, Scope.Scope>
  /**
   * Opens the connection to Coze again when nothing went there for `warmAfter` (undici closes an
   * idle one after about 4 s; a new one costs a TCP and TLS handshake with the proxy): a `GET
   * /health`, which the proxy answers itself (Coze: a quick 404). Not `HEAD`: undici closes the
   * connection after one. Never fails.
   */
  readonly warm: Effect.Effect<void>
}

const failed = (error: Errors.BotGatewayError, ctx: CozeErrors.FailureContext) =>
  Effect.zipRight(CozeErrors.logFailure(error, ctx), Effect.fail(error))

/** Reads an error response: the envelope's code if there is one, else the HTTP status. */
const errorOf = (
  body: string,
  response: HttpClientResponse.HttpClientResponse,
  path: string,
  now: number
): Option.Option<{ readonly error: Errors.BotGatewayError; readonly ctx: CozeErrors.FailureContext }> => {
  const ctx: CozeErrors.FailureContext = {
    path,
    status: response.status,
    logId: CozeErrors.logIdOf(response.headers),
    retryAfterMs: CozeErrors.retryAfterOf(response.headers, now)
  }
  const parsed = parseLossless(body)
  const envelope = Either.isRight(parsed) ? Schema.decodeUnknownOption(Envelope)(parsed.right) : Option.none()
  if (Option.isSome(envelope) && envelope.value.code !== 0) {
    const withLog = { ...ctx, logId: envelope.value.detail?.logid ?? ctx.logId }
    return Option.some({ error: CozeErrors.fromCode(envelope.value.code, envelope.value.msg, withLog), ctx: withLog })
  }
  if (response.status < 200 || response.status >= 300) {
    return Option.some({ error: CozeErrors.fromStatus(response.status, ctx), ctx })
  }
  return Option.none()
}

/** Builds the HTTP surface on the platform's `HttpClient`. */
export const make = (options: ResolvedCozeOptions): Effect.Effect<CozeHttp, never, HttpClient.HttpClient> =>
  Effect.map(HttpClient.HttpClient, (base) => {
    const client = base.pipe(
      // No span per request to Coze, and no trace headers sent to it: nothing here exports traces,
      // and the span (URL, every header redacted as an attribute) cost more than the request itself.
      HttpClient.withTracerDisabledWhen(() => true),
      HttpClient.mapRequest((request) =>
        request.pipe(
          HttpClientRequest.prependUrl(options.baseUrl),
          Option.match(options.proxySecret, {
            onNone: () => (r: HttpClientRequest.HttpClientRequest) => r,
            onSome: (secret) => HttpClientRequest.setHeader("x-proxy-secret", Redacted.value(secret))
          })
        )
      )
    )

    const scopedClient = HttpClient.withScope(client)

    // When a request to Coze last started or ended: the pooled connection is warm for a while after.
    let lastUse = 0
    const touch = Effect.map(Clock.currentTimeMillis, (now) => { lastUse = now })

    const transport = (path: string) => (error: HttpClientError.HttpClientError) =>
      failed(CozeErrors.fromHttpClientError(error, { path }), { path })

    const text: CozeHttp["text"] = (request, path) =>
      Effect.zipRight(touch, client.execute(request)).pipe(
        Effect.flatMap((response) => Effect.map(response.text, (body) => ({ body, response }))),
        Effect.catchAll(transport(path)),
        Effect.timeoutFail({
          duration: options.requestTimeout,
          onTimeout: () => CozeErrors.timedOut("no response in time", { path })
        }),
        Effect.ensuring(touch)
      )

    const json: CozeHttp["json"] = (request, path, data) =>
      Effect.gen(function*() {
        const { body, response } = yield* text(HttpClientRequest.acceptJson(request), path)
        const now = yield* Clock.currentTimeMillis
        const error = errorOf(body, response, path, now)
        if (Option.isSome(error)) return yield* failed(error.value.error, error.value.ctx)
        const ctx = { path, status: response.status, logId: CozeErrors.logIdOf(response.headers) }
        const parsed = parseLossless(body)
        if (Either.isLeft(parsed)) return yield* failed(CozeErrors.malformed("not JSON", ctx), ctx)
        const decoded = Schema.decodeUnknownEither(Schema.Struct({ data: data }))(parsed.right)
        if (Either.isLeft(decoded)) {
          return yield* failed(CozeErrors.malformed(decoded.left.message.slice(0, 500), ctx), ctx)
        }
        return decoded.right.data
      })

    const sse: CozeHttp["sse"] = (request, path) =>
      Effect.gen(function*() {
        yield* touch
        yield* Effect.addFinalizer(() => touch)
        const response = yield* scopedClient.execute(HttpClientRequest.accept(request, "text/event-stream")).pipe(
          Effect.catchAll(transport(path))
        )
        const logId = CozeErrors.logIdOf(response.headers)
        const ctx = { path, status: response.status, logId }
        const contentType = response.headers["content-type"] ?? ""
        if (response.status !== 200 || !contentType.includes("text/event-stream")) {
          const body = yield* response.text.pipe(Effect.catchAll(transport(path)))
          const now = yield* Clock.currentTimeMillis
          const error = Option.getOrElse(
            errorOf(body, response, path, now),
            () => ({ error: CozeErrors.malformed(`expected an event stream, got ${contentType || "no content type"}`, ctx), ctx })
          )
          return yield* failed(error.error, error.ctx)
        }
        return { read: yield* ResponseBody.reader(response), logId }
      })

    const warmAfter = Duration.toMillis(options.warmAfter)
    const warm: CozeHttp["warm"] = Effect.flatMap(Clock.currentTimeMillis, (now) => {
      if (now - lastUse < warmAfter) return Effect.void
      lastUse = now
      return client.execute(HttpClientRequest.get("/health")).pipe(
        Effect.flatMap((response) => response.text),
        Effect.timeout(options.requestTimeout),
        Effect.catchAllCause((cause) => Effect.logDebug("Coze connection warm-up failed", cause))
      )
    })

    return { text, json, sse, warm }
  })
