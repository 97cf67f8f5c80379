import { error } from "@evershop/evershop/lib/log"
import { guard, lookup } from "../../lib/Host.js"
import { encodeProduct, sendError, type Request, type Response } from "../../lib/Http.js"

/** `GET /api/chatbot/products/:idOrSku`: one enabled product by sku or id, 404 if none. */
export default async (request: Request, response: Response, _next: () => void) => {
  const allowed = guard(request)
  if (!allowed.ok) return sendError(response, allowed.status, allowed.message, allowed.retryAfter)
  try {
    const [product] = await lookup({ _tag: "Get", idOrSku: String(request.params.idOrSku ?? "").slice(0, 200) })
    response.setHeader("Cache-Control", "no-store")
    if (product === undefined) return sendError(response, 404, "No such product.")
    response.status(200).json({ product: encodeProduct(product) })
  } catch (e) {
    error(e)
    sendError(response, 500, "The product look-up failed.")
  }
}
