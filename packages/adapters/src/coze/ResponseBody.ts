import { HttpClientError, type HttpClientResponse } from "@effect/platform"
import { Chunk, Effect, Option, type Scope, Stream } from "effect"
import type { Readable } from "node:stream"
import { undiciResponseOf } from "../http/UndiciHttpClient.js"

/** The next pieces of a response's body, `None` at its end. */
export type BodyRead = Effect.Effect<Option.Option<ReadonlyArray<Uint8Array>>, HttpClientError.ResponseError>

/**
 * The fetch `Response` behind a response of the platform's fetch client, if it is one. Only a
 * scoped client's (`HttpClient.withScope`) responses are the fetch client's own; others come
 * wrapped, to abort the request when their body is left unread, and are read through their stream.
 */
const fetchResponseOf = (response: HttpClientResponse.HttpClientResponse): Response | undefined => {
  const source = (response as { readonly source?: unknown }).source
  return typeof Response !== "undefined" && source instanceof Response ? source : undefined
}

/** Whether `reader` reads this response straight from its client (undici's `Readable`, or fetch's reader), not through a stream. */
export const readsDirectly = (response: HttpClientResponse.HttpClientResponse): boolean =>
  undiciResponseOf(response) !== undefined || fetchResponseOf(response)?.body != null

/** Everything `body` holds now, without waiting. */
const takeBuffered = (body: Readable) => {
  const pieces: Array<Uint8Array> = []
  for (let piece = body.read() as Uint8Array | null; piece !== null; piece = body.read() as Uint8Array | null) pieces.push(piece)
  return pieces
}

/**
 * The next pieces of a Node `Readable` (undici's body): all that is buffered, or the next to come;
 * `None` at its end. Stopped while waiting, it leaves the body as it was.
 */
const readFrom = (body: Readable, failed: (cause: unknown) => HttpClientError.ResponseError): BodyRead =>
  Effect.async((resume) => {
    const settle = (): boolean => {
      const pieces = takeBuffered(body)
      if (pieces.length > 0) resume(Effect.succeed(Option.some(pieces)))
      else if (body.errored !== null) resume(Effect.fail(failed(body.errored)))
      else if (body.readableEnded) resume(Effect.succeed(Option.none()))
      else return false
      return true
    }
    if (settle()) return
    const onEvent = () => { if (settle()) stop() }
    const onError = (cause: unknown) => { stop(); resume(Effect.fail(failed(cause))) }
    const stop = () => { body.off("readable", onEvent).off("end", onEvent).off("close", onEvent).off("error", onError) }
    body.on("readable", onEvent).on("end", onEvent).on("close", onEvent).on("error", onError)
    return Effect.sync(stop)
  })

/**
 * Reads a response's body read by read. With undici's client (http/UndiciHttpClient.ts), the reads
 * go straight to its `Readable`; with the platform's fetch client, scoped, straight to the fetch
 * body's reader: running the body as a `Stream` costs the runtime about 800 steps per response,
 * more than its reads. Any other client's body is pulled through its stream. Either way the
 * request's own scope (`HttpClient.withScope`) aborts it.
 */
export const reader = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<BodyRead, never, Scope.Scope> => {
  const failed = (cause: unknown) => new HttpClientError.ResponseError({ request: response.request, response, reason: "Decode", cause })
  const undici = undiciResponseOf(response)
  if (undici !== undefined) return Effect.succeed(readFrom(undici.body, failed))
  const body = fetchResponseOf(response)?.body
  if (body == null) {
    return Effect.map(Stream.toPull(response.stream), (pull): BodyRead =>
      Effect.catchAll(Effect.map(pull, (chunk) => Option.some(Chunk.toReadonlyArray(chunk))), (e) =>
        Option.match(e, { onNone: () => Effect.succeed(Option.none()), onSome: Effect.fail })))
  }
  const bodyReader = body.getReader()
  return Effect.succeed(
    Effect.map(
      Effect.tryPromise({ try: () => bodyReader.read(), catch: failed }),
      (r) => (r.done ? Option.none() : Option.some([r.value]))
    )
  )
}
