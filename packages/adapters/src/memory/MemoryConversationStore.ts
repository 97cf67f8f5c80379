import { Conversation, ConversationStore, Errors, Ids, Message } from "@chatbot-node/domain"
import type { AppendResult, ConversationSummary, Deleted } from "@chatbot-node/domain"
import { Clock, Effect, Layer, Option, Schema } from "effect"

type ConversationId = Ids.ConversationId
type MessageId = Ids.MessageId

interface ConversationEntry {
  conversation: Conversation.Conversation
  readonly messages: Array<Message.Message>
  readonly byClientId: Map<string, Message.Message>
}

const storeError = (operation: string, message: string) => new Errors.StoreError({ operation, message })

/** A search cursor: the (updatedAt, id) of the last conversation of the previous page. */
const SearchCursor = Schema.compose(
  Schema.StringFromBase64Url,
  Schema.parseJson(Schema.Tuple(Schema.Int, Ids.ConversationId))
)

const decodeSearchCursor = (cursor: string | undefined) =>
  cursor === undefined
    ? Effect.succeed(undefined)
    : Schema.decodeUnknown(SearchCursor)(cursor).pipe(
        Effect.map(([updatedAt, id]) => ({ updatedAt, id })),
        Effect.mapError(() => new Errors.InvalidCursor({ cursor }))
      )

const encodeSearchCursor = (c: Conversation.Conversation): string =>
  Schema.encodeSync(SearchCursor)([c.updatedAt.getTime(), c.id])

const matchesText = (text: string, phrase: string) => text.toLowerCase().includes(phrase.toLowerCase())

const newer = (a: Conversation.Conversation, b: Conversation.Conversation): number =>
  b.updatedAt.getTime() - a.updatedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

/**
 * Builds a ConversationStore that keeps everything in this process's memory. Every operation runs
 * without yielding between read and write, so appends to one conversation are totally ordered.
 */
export const make: Effect.Effect<ConversationStore.Service> = Effect.sync(() => {
  const conversations = new Map<ConversationId, ConversationEntry>()
  const messageIndex = new Map<MessageId, Message.Message>()
  const now = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms))

  const replaceMessage = (entry: ConversationEntry, message: Message.Message) => {
    entry.messages[message.seq - 1] = message
    messageIndex.set(message.id, message)
    const clientId = Option.getOrUndefined(message.clientMessageId)
    if (clientId !== undefined) entry.byClientId.set(clientId, message)
  }

  const latestEntry = (shopId: Ids.ShopId, visitorId: Ids.VisitorId) => {
    let latest: ConversationEntry | undefined
    for (const entry of conversations.values()) {
      if (entry.conversation.shopId !== shopId || entry.conversation.visitorId !== visitorId) continue
      if (latest === undefined || newer(entry.conversation, latest.conversation) < 0) latest = entry
    }
    return latest
  }

  const touch = (entry: ConversationEntry, at: Date) => {
    if (at.getTime() > entry.conversation.updatedAt.getTime()) {
      entry.conversation = new Conversation.Conversation({ ...entry.conversation, updatedAt: at })
    }
  }

  const removeConversations = (predicate: (c: Conversation.Conversation) => boolean): Deleted => {
    let removedConversations = 0
    let removedMessages = 0
    for (const [id, entry] of conversations) {
      if (!predicate(entry.conversation)) continue
      conversations.delete(id)
      for (const message of entry.messages) messageIndex.delete(message.id)
      removedConversations++
      removedMessages += entry.messages.length
    }
    return { conversations: removedConversations, messages: removedMessages }
  }

  const service: ConversationStore.Service = {
    createConversation: (input) =>
      Effect.flatMap(now, (at) =>
        Effect.suspend(() => {
          if (conversations.has(input.id)) {
            return Effect.fail(storeError("createConversation", `conversation ${input.id} already exists`))
          }
          const conversation = new Conversation.Conversation({
            ...input,
            upstreamConversationId: Option.none(),
            status: "bot",
            assignedAgentId: Option.none(),
            createdAt: at,
            updatedAt: at
          })
          conversations.set(input.id, { conversation, messages: [], byClientId: new Map() })
          return Effect.succeed(conversation)
        })
      ),

    getConversation: (id) => Effect.sync(() => Option.map(Option.fromNullable(conversations.get(id)), (e) => e.conversation)),

    getVisitorConversation: (shopId, visitorId, id) =>
      Effect.sync(() =>
        Option.fromNullable(conversations.get(id)).pipe(
          Option.map((e) => e.conversation),
          Option.filter((c) => c.shopId === shopId && c.visitorId === visitorId)
        )
      ),

    latestVisitorConversation: (shopId, visitorId) => Effect.sync(() => Option.fromNullable(latestEntry(shopId, visitorId)?.conversation)),

    latestVisitorConversationHolding: (shopId, visitorId, clientMessageId) =>
      Effect.sync(() => {
        const latest = latestEntry(shopId, visitorId)
        return latest?.byClientId.get(clientMessageId)?.role === "visitor" ? Option.some(latest.conversation) : Option.none()
      }),

    updateConversation: (id, patch) =>
      Effect.flatMap(now, (at) =>
        Effect.suspend(() => {
          const entry = conversations.get(id)
          if (entry === undefined) return Effect.fail(new Errors.ConversationNotFound({ conversationId: id }))
          const c = entry.conversation
          entry.conversation = new Conversation.Conversation({
            ...c,
            locale: patch.locale ?? c.locale,
            botId: patch.botId ?? c.botId,
            upstreamConversationId:
              patch.upstreamConversationId === undefined ? c.upstreamConversationId : Option.some(patch.upstreamConversationId),
            status: patch.status ?? c.status,
            assignedAgentId:
              patch.assignedAgentId === undefined ? c.assignedAgentId : Option.fromNullable(patch.assignedAgentId),
            updatedAt: at.getTime() > c.updatedAt.getTime() ? at : c.updatedAt
          })
          return Effect.succeed(entry.conversation)
        })
      ),

    appendMessage: (input) =>
      Effect.all([now, Ids.newMessageId]).pipe(
        Effect.flatMap(([at, id]) =>
          Effect.suspend((): Effect.Effect<AppendResult, Errors.ConversationNotFound> => {
            const entry = conversations.get(input.conversationId)
            if (entry === undefined) {
              return Effect.fail(new Errors.ConversationNotFound({ conversationId: input.conversationId }))
            }
            if (input.clientMessageId !== undefined) {
              const existing = entry.byClientId.get(input.clientMessageId)
              if (existing !== undefined) return Effect.succeed({ message: existing, created: false })
            }
            const message = new Message.Message({
              id,
              conversationId: input.conversationId,
              seq: entry.messages.length + 1,
              role: input.role,
              text: input.text,
              functionCalls: input.functionCalls ?? [],
              products: input.products ?? [],
              suggestions: input.suggestions ?? [],
              status: input.status,
              clientMessageId: Option.fromNullable(input.clientMessageId),
              agentId: Option.fromNullable(input.agentId),
              createdAt: at,
              updatedAt: at
            })
            replaceMessage(entry, message)
            touch(entry, at)
            return Effect.succeed({ message, created: true })
          })
        )
      ),

    // The conversation, then its turn: in memory nothing runs between them.
    openConversation: (input, visitor, reply) =>
      Effect.flatMap(service.createConversation(input), () => service.appendTurn(visitor, reply)).pipe(
        Effect.catchTag("ConversationNotFound", () => Effect.fail(storeError("openConversation", "the messages name another conversation"))),
        Effect.map((turn) => ({ conversation: conversations.get(input.id)!.conversation, turn }))
      ),

    // Two appends in memory; a retried message stores no placeholder all the same.
    appendTurn: (visitor, reply) =>
      Effect.flatMap(service.appendMessage(visitor), (appended) =>
        appended.created
          ? Effect.map(service.appendMessage(reply), (stored) => ({ visitor: appended, reply: Option.some(stored.message) }))
          : Effect.succeed({ visitor: appended, reply: Option.none() })),

    appendReplyText: (id, text) =>
      Effect.flatMap(now, (at) =>
        Effect.suspend(() => {
          const message = messageIndex.get(id)
          const entry = message && conversations.get(message.conversationId)
          if (message === undefined || entry === undefined || message.status !== "streaming") {
            return Effect.fail(storeError("appendReplyText", `no streaming message ${id}`))
          }
          replaceMessage(entry, new Message.Message({ ...message, text: message.text + text, updatedAt: at }))
          return Effect.void
        })
      ),

    finishReply: (id, outcome) =>
      Effect.flatMap(now, (at) =>
        Effect.suspend(() => {
          const message = messageIndex.get(id)
          const entry = message && conversations.get(message.conversationId)
          if (message === undefined || entry === undefined) {
            return Effect.fail(storeError("finishReply", `no message ${id}`))
          }
          const finished = new Message.Message({
            ...message,
            text: outcome.text,
            status: outcome.status,
            functionCalls: outcome.functionCalls,
            products: outcome.products,
            suggestions: outcome.suggestions,
            updatedAt: at
          })
          replaceMessage(entry, finished)
          touch(entry, at)
          return Effect.succeed(finished)
        })
      ),

    listMessages: (conversationId, range) =>
      Effect.sync(() => {
        const messages = conversations.get(conversationId)?.messages ?? []
        const limit = Math.max(0, range.limit)
        if (range.afterSeq !== undefined) return messages.slice(Math.max(0, range.afterSeq), range.afterSeq + limit)
        const end = range.beforeSeq === undefined ? messages.length : Math.min(messages.length, Math.max(0, range.beforeSeq - 1))
        return messages.slice(Math.max(0, end - limit), end)
      }),

    searchConversations: (search) =>
      Effect.map(decodeSearchCursor(search.cursor), (after) => {
        const shopIds = search.shopIds && search.shopIds.length > 0 ? new Set(search.shopIds) : undefined
        const matches: Array<ConversationEntry> = []
        for (const entry of conversations.values()) {
          const c = entry.conversation
          if (shopIds !== undefined && !shopIds.has(c.shopId)) continue
          if (search.visitorId !== undefined && c.visitorId !== search.visitorId) continue
          if (search.status !== undefined && c.status !== search.status) continue
          if (search.from !== undefined && c.updatedAt.getTime() < search.from.getTime()) continue
          if (search.to !== undefined && c.createdAt.getTime() >= search.to.getTime()) continue
          if (after !== undefined) {
            const t = c.updatedAt.getTime()
            if (t > after.updatedAt || (t === after.updatedAt && c.id >= after.id)) continue
          }
          if (search.text !== undefined && !entry.messages.some((m) => matchesText(m.text, search.text!))) continue
          matches.push(entry)
        }
        matches.sort((a, b) => newer(a.conversation, b.conversation))
        const limit = Math.max(1, search.limit)
        const items: Array<ConversationSummary> = matches.slice(0, limit).map((e) => ({
          conversation: e.conversation,
          lastMessageText: Option.map(Option.fromNullable(e.messages.at(-1)), (m) => m.text)
        }))
        const last = items.at(-1)?.conversation
        return {
          items,
          nextCursor: matches.length > limit && last !== undefined ? Option.some(encodeSearchCursor(last)) : Option.none()
        }
      }),

    interruptStreamingReplies: Effect.flatMap(now, (at) =>
      Effect.sync(() => {
        let count = 0
        for (const message of messageIndex.values()) {
          if (message.status !== "streaming") continue
          const entry = conversations.get(message.conversationId)
          if (entry === undefined) continue
          replaceMessage(entry, new Message.Message({ ...message, status: "interrupted", updatedAt: at }))
          count++
        }
        return count
      })
    ),

    deleteVisitorData: (shopId, visitorId) =>
      Effect.sync(() => removeConversations((c) => c.shopId === shopId && c.visitorId === visitorId)),

    deleteIdleConversations: (shopId, before) =>
      Effect.sync(() => removeConversations((c) => c.shopId === shopId && c.updatedAt.getTime() < before.getTime()))
  }
  return service
})

/** The in-memory ConversationStore as a layer; each build starts empty. */
export const layer: Layer.Layer<ConversationStore> = Layer.effect(ConversationStore, make)
