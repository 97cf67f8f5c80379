import { Errors } from "@chatbot-node/domain"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Duration, Effect, Schema } from "effect"
import type { GraphQlRequest } from "./EverShopQueries.js"
import { GraphQlResponse } from "./EverShopWire.js"

/** Sends GraphQL documents to a shop's storefront endpoint (`<url>/api/graphql`). */
export interface EverShopGraphQl {
  /** The answer's `data` (alias to value); transport, HTTP, GraphQL and decoding failures become CatalogError. */
  readonly run: (request: GraphQlRequest) => Effect.Effect<Readonly<Record<string, unknown>>, Errors.CatalogError>
}

const fail = (message: string) => Effect.fail(new Errors.CatalogError({ message }))

/** Builds the client on the platform's HttpClient, with a timeout per request. */
export const make = (options: { readonly url: string; readonly timeout: Duration.DurationInput }): Effect.Effect<EverShopGraphQl, never, HttpClient.HttpClient> =>
  Effect.map(HttpClient.HttpClient, (client) => {
    const endpoint = `${options.url.replace(/\/+$/, "")}/api/graphql`
    const run: EverShopGraphQl["run"] = (request) =>
      Effect.gen(function*() {
        const httpRequest = HttpClientRequest.post(endpoint).pipe(
          HttpClientRequest.acceptJson,
          HttpClientRequest.bodyUnsafeJson({ query: request.query, variables: request.variables })
        )
        const response = yield* client.execute(httpRequest).pipe(
          Effect.timeoutFail({ duration: options.timeout, onTimeout: () => new Errors.CatalogError({ message: "EverShop did not answer in time" }) }),
          Effect.catchTag("RequestError", "ResponseError", (e) => fail(`EverShop is unreachable: ${e.message}`))
        )
        const body = yield* response.json.pipe(Effect.catchAll(() => fail(`EverShop answered ${response.status} without JSON`)))
        const decoded = yield* Schema.decodeUnknown(GraphQlResponse)(body).pipe(
          Effect.catchAll(() => fail(`EverShop answered ${response.status} with an unexpected body`))
        )
        if (decoded.errors !== undefined && decoded.errors.length > 0) {
          return yield* fail(`EverShop GraphQL: ${decoded.errors.map((e) => e.message).join("; ").slice(0, 300)}`)
        }
        if (response.status < 200 || response.status >= 300 || decoded.data == null) return yield* fail(`EverShop answered ${response.status}`)
        return decoded.data
      }).pipe(Effect.scoped, Effect.withSpan("EverShopGraphQl.run"))
    return { run }
  })

/** Decodes one alias of a GraphQL answer; a mismatch is a CatalogError naming the alias. */
export const field = <A, I>(data: Readonly<Record<string, unknown>>, alias: string, schema: Schema.Schema<A, I>) =>
  Schema.decodeUnknown(schema)(data[alias]).pipe(
    Effect.mapError((e) => new Errors.CatalogError({ message: `EverShop GraphQL: unexpected "${alias}": ${e.message.slice(0, 300)}` }))
  )
