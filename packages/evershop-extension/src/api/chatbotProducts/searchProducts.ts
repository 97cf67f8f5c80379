import { error } from "@evershop/evershop/lib/log"
import { guard, lookup } from "../../lib/Host.js"
import { encodeProduct, sendError, type Request, type Response } from "../../lib/Http.js"
import { fromQueryString } from "../../lib/Lookup.js"

/** `GET /api/chatbot/products?keyword=&category=&min_price=&max_price=&in_stock=&limit=`: products as the bot's `get_product_list` sees them. */
export default async (request: Request, response: Response, _next: () => void) => {
  const allowed = guard(request)
  if (!allowed.ok) return sendError(response, allowed.status, allowed.message, allowed.retryAfter)
  try {
    const products = await lookup(fromQueryString(request.query))
    response.setHeader("Cache-Control", "no-store")
    response.status(200).json({ products: products.map((p) => encodeProduct(p)) })
  } catch (e) {
    error(e)
    sendError(response, 500, "The product look-up failed.")
  }
}
