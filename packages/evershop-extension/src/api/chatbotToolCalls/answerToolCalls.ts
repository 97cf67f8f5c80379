import { error } from "@evershop/evershop/lib/log"
import { Either, Option, Schema } from "effect"
import { guard, jsonBody, lookup } from "../../lib/Host.js"
import { sendError, type Request, type Response } from "../../lib/Http.js"
import { callsOf, outputOf, requestsOf, ToolCallsBody } from "../../lib/Lookup.js"

/**
 * `POST /api/chatbot/toolcalls`: a bot platform's function calls (`{calls:[{name, arguments}]}`, or
 * `{text}` holding a model's raw function-call markup) answered with the domain's tool outputs.
 */
export default async (request: Request, response: Response, _next: () => void) => {
  const allowed = guard(request)
  if (!allowed.ok) return sendError(response, allowed.status, allowed.message, allowed.retryAfter)
  let body: typeof ToolCallsBody.Type
  try {
    const decoded = Schema.decodeUnknownEither(ToolCallsBody)(await jsonBody(request))
    if (Either.isLeft(decoded)) return sendError(response, 400, "Expected {calls: [{name, arguments}]} or {text}.")
    body = decoded.right
  } catch {
    return sendError(response, 400, "Expected a JSON body.")
  }
  try {
    const outputs = []
    for (const { name, request: catalogRequest } of requestsOf(callsOf(body))) {
      if (Option.isNone(catalogRequest)) outputs.push({ name, handled: false })
      else outputs.push({ name, handled: true, output: outputOf(await lookup(catalogRequest.value)) })
    }
    response.setHeader("Cache-Control", "no-store")
    response.status(200).json({ outputs })
  } catch (e) {
    error(e)
    sendError(response, 500, "The product look-up failed.")
  }
}
