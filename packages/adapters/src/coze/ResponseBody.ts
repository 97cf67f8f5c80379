import { HttpClientError, type HttpClientResponse } from "@effect/platform"
import { Chunk, Effect, Option, type Scope, Stream } from "effect"

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

/** Whether `reader` reads this response straight from fetch (the platform's fetch client), not through a stream. */
export const readsDirectly = (response: HttpClientResponse.HttpClientResponse): boolean =>
  fetchResponseOf(response)?.body != null

/**
 * Reads a response's body read by read. With the platform's fetch client, scoped, the reads go
 * straight to the fetch body's reader: running the body as a `Stream` costs the runtime about 800 steps per
 * response, more than its reads. Any other client's body is pulled through its stream. Either way
 * the request's own scope (`HttpClient.withScope`) aborts it.
 */
export const reader = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<BodyRead, never, Scope.Scope> => {
  const body = fetchResponseOf(response)?.body
  if (body == null) {
    return Effect.map(Stream.toPull(response.stream), (pull): BodyRead =>
      Effect.catchAll(Effect.map(pull, (chunk) => Option.some(Chunk.toReadonlyArray(chunk))), (e) =>
        Option.match(e, { onNone: () => Effect.succeed(Option.none()), onSome: Effect.fail })))
  }
  const bodyReader = body.getReader()
  const failed = (cause: unknown) => new HttpClientError.ResponseError({ request: response.request, response, reason: "Decode", cause })
  return Effect.succeed(
    Effect.map(
      Effect.tryPromise({ try: () => bodyReader.read(), catch: failed }),
      (r) => (r.done ? Option.none() : Option.some([r.value]))
    )
  )
}
