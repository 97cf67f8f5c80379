import { Schema } from "effect"
import { ConversationStatus } from "./Conversation.js"

/** A store could not do its work (connection lost, constraint broken); never the caller's fault. */
export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  operation: Schema.String,
  message: Schema.String
}) {}

/** Why a bot platform failed a request; adapters map every vendor code onto one of these. */
export const BotFailureReason = Schema.Literal(
  "auth",
  "permission",
  "not_published",
  "throttled",
  "model",
  "bad_request",
  "busy",
  "timeout",
  "unavailable",
  "unknown"
)
export type BotFailureReason = typeof BotFailureReason.Type

/** A bot platform failed; carries the vendor's code and log id for operators. */
export class BotGatewayError extends Schema.TaggedError<BotGatewayError>()("BotGatewayError", {
  reason: BotFailureReason,
  message: Schema.String,
  code: Schema.optional(Schema.Number),
  logId: Schema.optional(Schema.String),
  retryAfterMs: Schema.optional(Schema.Number)
}) {}

/** The product catalog could not answer. */
export class CatalogError extends Schema.TaggedError<CatalogError>()("CatalogError", {
  message: Schema.String
}) {}

/** The shop is not known (or not served by this server). */
export class ShopNotFound extends Schema.TaggedError<ShopNotFound>()("ShopNotFound", {
  shopId: Schema.String
}) {}

/**
 * The conversation does not exist, or belongs to someone else: the two are one error so that a
 * visitor cannot learn whether another's conversation exists.
 */
export class ConversationNotFound extends Schema.TaggedError<ConversationNotFound>()("ConversationNotFound", {
  conversationId: Schema.String
}) {}

/** A client asked for a bot the shop does not allow. */
export class BotNotAllowed extends Schema.TaggedError<BotNotAllowed>()("BotNotAllowed", {
  shopId: Schema.String,
  botId: Schema.String
}) {}

/** The shop has no bot that could answer (its default bot is missing from its bots). */
export class NoBotConfigured extends Schema.TaggedError<NoBotConfigured>()("NoBotConfigured", {
  shopId: Schema.String
}) {}

/** A message longer than the limit. */
export class MessageTooLong extends Schema.TaggedError<MessageTooLong>()("MessageTooLong", {
  length: Schema.Number,
  max: Schema.Number
}) {}

/** An empty message (only whitespace). */
export class EmptyMessage extends Schema.TaggedError<EmptyMessage>()("EmptyMessage", {}) {}

/** A conversation cannot move from `from` to `to` (e.g. reopening a closed one). */
export class InvalidTransition extends Schema.TaggedError<InvalidTransition>()("InvalidTransition", {
  from: ConversationStatus,
  to: ConversationStatus
}) {}

/** A staff member acted on a shop they do not belong to, or an agent on a conversation another agent holds. */
export class NotPermitted extends Schema.TaggedError<NotPermitted>()("NotPermitted", {
  message: Schema.String
}) {}

/** A cursor that this server did not issue. */
export class InvalidCursor extends Schema.TaggedError<InvalidCursor>()("InvalidCursor", {
  cursor: Schema.String
}) {}

/** A bug: logged in full for operators, shown to clients only as a generic error. */
export class InternalError extends Schema.TaggedError<InternalError>()("InternalError", {
  message: Schema.String
}) {}
