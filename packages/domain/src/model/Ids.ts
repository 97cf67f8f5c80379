import { Effect, Schema } from "effect"

const base64UrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

/** 128 random bits from the platform's Web Crypto source, as 22 base64url characters. */
export const randomToken = (): string => {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(17))
  let out = ""
  // 22 characters * 6 bits = 132 bits drawn from 136 random bits: at least 128 bits of entropy.
  for (let i = 0; i < 22; i++) {
    const bit = i * 6
    const byte = bit >> 3
    const offset = bit & 7
    const word = ((bytes[byte] ?? 0) << 8) | (bytes[byte + 1] ?? 0)
    out += base64UrlAlphabet[(word >> (10 - offset)) & 63]
  }
  return out
}

const token = Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]{22}$/))

/** A shop: the tenant a widget and a bot configuration belong to. */
export const ShopId = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
  Schema.brand("ShopId")
)
export type ShopId = typeof ShopId.Type

/** A visitor of a shop, as the shop or the visitor token names them. */
export const VisitorId = Schema.String.pipe(
  Schema.minLength(1),
  Schema.maxLength(128),
  Schema.pattern(/^[^\s\u0000-\u001f]+$/),
  Schema.brand("VisitorId")
)
export type VisitorId = typeof VisitorId.Type

/** A conversation: 128 random bits, so that no visitor can guess another's. */
export const ConversationId = token.pipe(Schema.brand("ConversationId"))
export type ConversationId = typeof ConversationId.Type
export const newConversationId: Effect.Effect<ConversationId> = Effect.sync(() => ConversationId.make(randomToken()))

/** A message of a conversation. */
export const MessageId = token.pipe(Schema.brand("MessageId"))
export type MessageId = typeof MessageId.Type
export const newMessageId: Effect.Effect<MessageId> = Effect.sync(() => MessageId.make(randomToken()))

/** The id a client gives its message so that a retry stores it once. */
export const ClientMessageId = Schema.String.pipe(
  Schema.minLength(1),
  Schema.maxLength(100),
  Schema.pattern(/^[\x21-\x7e]+$/),
  Schema.brand("ClientMessageId")
)
export type ClientMessageId = typeof ClientMessageId.Type

/** A bot, as the shop configures it (a Coze bot id, or e.g. `demo`). */
export const BotId = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/),
  Schema.brand("BotId")
)
export type BotId = typeof BotId.Type

/**
 * An id issued by Coze: a number of up to 20 digits kept as a string, since 19-digit values
 * exceed `Number.MAX_SAFE_INTEGER`.
 */
export const CozeId = Schema.String.pipe(Schema.pattern(/^\d{1,20}$/), Schema.brand("CozeId"))
export type CozeId = typeof CozeId.Type

/** A staff account (owner or agent). */
export const AdminId = Schema.String.pipe(
  Schema.minLength(1),
  Schema.maxLength(64),
  Schema.brand("AdminId")
)
export type AdminId = typeof AdminId.Type
