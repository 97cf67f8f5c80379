import { CatalogTools, FunctionCall, FunctionCallMarkup, type Product } from "@chatbot-node/domain"
import { Schema } from "effect"

/** A look-up the route answers: a search (the bot's arguments, read leniently) or one product. */
export type Lookup = CatalogTools.CatalogRequest

/** The query string of `GET /api/chatbot/products` as the bot's arguments: the domain reads them as it reads a `get_product_list` call. */
export const fromQueryString = (params: Record<string, unknown>): Lookup => {
  const args: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(params)) args[key] = Array.isArray(value) ? value.join(",") : value
  const id = args.id ?? args.sku ?? args.product_id
  if (typeof id === "string" && id.trim() !== "" && args.keyword === undefined) return { _tag: "Get", idOrSku: id.trim() }
  return { _tag: "Search", query: CatalogTools.toProductQuery(args) }
}

const Call = Schema.Struct({
  name: Schema.String,
  arguments: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Unknown }), { default: () => ({}) })
})

/** `POST /api/chatbot/toolcalls`: `{calls: [{name, arguments}]}`, or `{text}` with a model's function-call markup. */
export const ToolCallsBody = Schema.Union(
  Schema.Struct({ calls: Schema.Array(Call).pipe(Schema.maxItems(10)) }),
  Schema.Struct({ text: Schema.String.pipe(Schema.maxLength(20_000)) })
)

/** The function calls of a body: as given, or parsed out of the text by the domain's markup parser. */
export const callsOf = (body: typeof ToolCallsBody.Type): ReadonlyArray<FunctionCall.FunctionCall> =>
  "calls" in body
    ? body.calls.filter((c) => c.name !== "").map((c) => new FunctionCall.FunctionCall({ name: c.name, arguments: c.arguments }))
    : FunctionCallMarkup.parse(body.text).calls

/** What each call asks the catalog for; none for calls the catalog does not answer. */
export const requestsOf = (calls: ReadonlyArray<FunctionCall.FunctionCall>) =>
  calls.map((call) => ({ name: call.name, request: CatalogTools.toCatalogRequest(call) }))

/** The tool output for a call: the domain's compact JSON, or `{products: []}`. */
export const outputOf = (products: ReadonlyArray<Product.Product>): string => CatalogTools.toToolOutput(products)

