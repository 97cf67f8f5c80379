import type { ChatEvent, Message, Product } from "@chatbot-node/domain"

/** A chat event as it crosses the wire (the domain's encoded `ChatEvent`). */
export type WireEvent = ChatEvent.ChatEventEncoded
/** A stored message as the server sends it. */
export type WireMessage = typeof Message.Message.Encoded
/** A product card as the server sends it. */
export type WireProduct = typeof Product.Product.Encoded

type Json = Record<string, unknown>
const isObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)
const isString = (u: unknown): u is string => typeof u === "string"
const isStrings = (u: unknown): u is Array<string> => Array.isArray(u) && u.every(isString)
const ROLES = ["visitor", "bot", "agent", "system"]

/** Checks a product card's fields a card shows (the widget keeps its bundle free of a schema library). */
export const isProduct = (u: unknown): u is WireProduct =>
  isObject(u) && isString(u.id) && isString(u.name) && isString(u.url) && typeof u.inStock === "boolean" &&
  isObject(u.price) && typeof u.price.amount === "number" && isString(u.price.currency) &&
  (u.imageUrl === undefined || isString(u.imageUrl)) && (u.stockQuantity === undefined || typeof u.stockQuantity === "number")

/** Checks a stored message; products that do not check are dropped rather than the message. */
export const decodeMessage = (u: unknown): WireMessage | undefined => {
  if (!isObject(u) || !isString(u.id) || typeof u.seq !== "number" || !isString(u.text) || !isString(u.createdAt) || !isString(u.status)) return undefined
  if (!ROLES.includes(u.role as string)) return undefined
  const products = Array.isArray(u.products) ? u.products.filter(isProduct) : []
  const suggestions = isStrings(u.suggestions) ? u.suggestions : []
  return { ...(u as unknown as WireMessage), products, suggestions }
}

/** Decodes one SSE `data` line of the chat stream or the events stream; anything malformed is `undefined`. */
export const decodeEvent = (data: string): WireEvent | undefined => {
  let u: unknown
  try {
    u = JSON.parse(data)
  } catch {
    return undefined
  }
  if (!isObject(u) || !isString(u._tag)) return undefined
  switch (u._tag) {
    case "started":
      return isString(u.conversationId) && isString(u.messageId) && isString(u.locale) ? (u as WireEvent) : undefined
    case "delta":
      return isString(u.replyId) && isString(u.text) ? (u as WireEvent) : undefined
    case "products":
      return isString(u.replyId) && Array.isArray(u.products) ? ({ ...u, products: u.products.filter(isProduct) } as unknown as WireEvent) : undefined
    case "suggestions":
      return isString(u.replyId) && isStrings(u.suggestions) ? (u as WireEvent) : undefined
    case "message": {
      const message = decodeMessage(u.message)
      return message === undefined ? undefined : ({ _tag: "message", message } as WireEvent)
    }
    case "status":
      return isString(u.conversationId) && isString(u.status) ? (u as WireEvent) : undefined
    case "typing":
      return isString(u.from) && typeof u.typing === "boolean" ? (u as WireEvent) : undefined
    case "error":
      return isString(u.code) && isString(u.message) ? (u as WireEvent) : undefined
    case "done":
      return isString(u.status) ? (u as WireEvent) : undefined
  }
  return undefined
}

/** Reads an error body `{error: {code, message}}`, if it is one. */
export const decodeError = (u: unknown): { code: string; message: string } | undefined =>
  isObject(u) && isObject(u.error) && isString(u.error.code) && isString(u.error.message) ? { code: u.error.code, message: u.error.message } : undefined

/** Reads a session answer `{token, visitorId}`. */
export const decodeSession = (u: unknown): { token: string; visitorId: string } | undefined =>
  isObject(u) && isString(u.token) && isString(u.visitorId) ? { token: u.token, visitorId: u.visitorId } : undefined

/** Reads a messages answer `{conversation: {status}, messages}`. */
export const decodeHistory = (u: unknown): { status: string; messages: Array<WireMessage> } | undefined => {
  if (!isObject(u) || !isObject(u.conversation) || !isString(u.conversation.status) || !Array.isArray(u.messages)) return undefined
  return { status: u.conversation.status, messages: u.messages.map(decodeMessage).filter((m): m is WireMessage => m !== undefined) }
}
