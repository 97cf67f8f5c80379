import { Admin, Conversation, Ids, Locale, Message } from "@chatbot-node/domain"
import { FunctionCall, Product } from "@chatbot-node/domain"
import { Option, Schema } from "effect"

/** The columns of a conversation, in the order `conversationColumns` selects them. */
const ConversationRow = Schema.Struct({
  id: Ids.ConversationId,
  shop_id: Ids.ShopId,
  visitor_id: Ids.VisitorId,
  locale: Locale.Locale,
  bot_id: Ids.BotId,
  upstream_conversation_id: Schema.NullOr(Schema.String),
  status: Conversation.ConversationStatus,
  assigned_agent_id: Schema.NullOr(Ids.AdminId),
  created_at: Schema.DateFromSelf,
  updated_at: Schema.DateFromSelf
})

/** A conversations row decoded into the domain's Conversation. */
export const ConversationFromRow = Schema.transform(ConversationRow, Schema.typeSchema(Conversation.Conversation), {
  strict: true,
  decode: (row) =>
    new Conversation.Conversation(
      {
        id: row.id,
        shopId: row.shop_id,
        visitorId: row.visitor_id,
        locale: row.locale,
        botId: row.bot_id,
        upstreamConversationId: Option.fromNullable(row.upstream_conversation_id),
        status: row.status,
        assignedAgentId: Option.fromNullable(row.assigned_agent_id),
        createdAt: row.created_at,
        updatedAt: row.updated_at
      },
      true
    ),
  encode: (c) => ({
    id: c.id,
    shop_id: c.shopId,
    visitor_id: c.visitorId,
    locale: c.locale,
    bot_id: c.botId,
    upstream_conversation_id: Option.getOrNull(c.upstreamConversationId),
    status: c.status,
    assigned_agent_id: Option.getOrNull(c.assignedAgentId),
    created_at: c.createdAt,
    updated_at: c.updatedAt
  })
})

export const conversationColumns =
  "id, shop_id, visitor_id, locale, bot_id, upstream_conversation_id, status, assigned_agent_id, created_at, updated_at"

/** The columns of a message row that every read decodes alike. */
const messageFields = {
  id: Ids.MessageId,
  seq: Schema.Int,
  role: Message.MessageRole,
  text: Schema.String,
  function_calls: Schema.Array(FunctionCall.FunctionCall),
  products: Schema.Array(Product.Product),
  suggestions: Schema.Array(Schema.String),
  status: Message.MessageStatus,
  client_message_id: Schema.NullOr(Ids.ClientMessageId),
  agent_id: Schema.NullOr(Ids.AdminId)
}

/** A message from its decoded row fields (every field already decoded, so not validated again). */
const messageOf = (
  row: Schema.Struct.Type<typeof messageFields>,
  conversationId: Ids.ConversationId,
  createdAt: Date,
  updatedAt: Date
): Message.Message =>
  new Message.Message(
    {
      id: row.id,
      conversationId,
      seq: row.seq,
      role: row.role,
      text: row.text,
      functionCalls: row.function_calls,
      products: row.products,
      suggestions: row.suggestions,
      status: row.status,
      clientMessageId: Option.fromNullable(row.client_message_id),
      agentId: Option.fromNullable(row.agent_id),
      createdAt,
      updatedAt
    },
    true
  )

const MessageRow = Schema.Struct({
  ...messageFields,
  conversation_id: Ids.ConversationId,
  created_at: Schema.DateFromSelf,
  updated_at: Schema.DateFromSelf
})

/** A messages row (jsonb columns already parsed by the driver) decoded into the domain's Message. */
export const MessageFromRow = Schema.transform(MessageRow, Schema.typeSchema(Message.Message), {
  strict: true,
  decode: (row) => messageOf(row, row.conversation_id, row.created_at, row.updated_at),
  encode: (m) => ({
    id: m.id,
    conversation_id: m.conversationId,
    seq: m.seq,
    role: m.role,
    text: m.text,
    function_calls: m.functionCalls,
    products: m.products,
    suggestions: m.suggestions,
    status: m.status,
    client_message_id: Option.getOrNull(m.clientMessageId),
    agent_id: Option.getOrNull(m.agentId),
    created_at: m.createdAt,
    updated_at: m.updatedAt
  })
})

export const messageColumns =
  "id, conversation_id, seq, role, text, function_calls, products, suggestions, status, client_message_id, agent_id, created_at, updated_at"

/** A time sent as epoch milliseconds (a float8 parses far cheaper than timestamptz text). */
const EpochMillis = Schema.DateFromNumber

/**
 * A row of a page of one conversation's messages: no conversation_id (it is the one asked for),
 * times as epoch milliseconds. Decoded as a plain struct, then made a Message by `messageOfPage`.
 */
export const MessagePageRow = Schema.Struct({
  ...messageFields,
  created_ms: EpochMillis,
  updated_ms: EpochMillis
})

/** The columns `MessagePageRow` decodes; floor keeps what parsing the timestamptz text kept (whole ms). */
export const messagePageColumns =
  "id, seq, role, text, function_calls, products, suggestions, status, client_message_id, agent_id, " +
  "floor(extract(epoch FROM created_at) * 1000)::float8 AS created_ms, floor(extract(epoch FROM updated_at) * 1000)::float8 AS updated_ms"

/** A decoded page row as the domain's Message. */
export const messageOfPage = (conversationId: Ids.ConversationId, row: typeof MessagePageRow.Type): Message.Message =>
  messageOf(row, conversationId, row.created_ms, row.updated_ms)

/** JSON text of the structured parts of a message, for `$n::jsonb` parameters. */
export const FunctionCallsJson = Schema.parseJson(Schema.Array(FunctionCall.FunctionCall))
export const ProductsJson = Schema.parseJson(Schema.Array(Product.Product))
export const SuggestionsJson = Schema.parseJson(Schema.Array(Schema.String))

const AdminRow = Schema.Struct({
  id: Ids.AdminId,
  email: Schema.String,
  name: Schema.String,
  role: Admin.AdminRole,
  shop_ids: Schema.Array(Ids.ShopId),
  created_at: Schema.DateFromSelf
})

/** An admins row decoded into the domain's Admin. */
export const AdminFromRow = Schema.transform(AdminRow, Schema.typeSchema(Admin.Admin), {
  strict: true,
  decode: (row) =>
    new Admin.Admin(
      { id: row.id, email: row.email, name: row.name, role: row.role, shopIds: row.shop_ids, createdAt: row.created_at },
      true
    ),
  encode: (a) => ({ id: a.id, email: a.email, name: a.name, role: a.role, shop_ids: a.shopIds, created_at: a.createdAt })
})

export const adminColumns = "id, email, name, role, shop_ids, created_at"
