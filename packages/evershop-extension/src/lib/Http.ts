import { Product } from "@chatbot-node/domain"
import { Schema } from "effect"

/** The parts of Express' request and response the routes use. */
export interface Request extends NodeJS.ReadableStream {
  readonly headers: Record<string, string | Array<string> | undefined>
  readonly query: Record<string, unknown>
  readonly params: Record<string, string>
  readonly ip?: string | undefined
  body?: unknown
}
export interface Response {
  status: (code: number) => Response
  json: (body: unknown) => void
  setHeader: (name: string, value: string) => void
}

/** A product as JSON on the wire (the domain's encoded form). */
export const encodeProduct = Schema.encodeSync(Product.Product)

/** Sends `{error: {status, message}}` as EverShop's own API does. */
export const sendError = (response: Response, status: number, message: string, retryAfter?: number) => {
  if (retryAfter !== undefined) response.setHeader("Retry-After", String(retryAfter))
  response.status(status).json({ error: { status, message } })
}
