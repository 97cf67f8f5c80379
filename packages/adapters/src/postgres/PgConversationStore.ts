import { ConversationStore, Errors, Ids, Message } from "@chatbot-node/domain"
import type { ConversationSearch, Deleted, MessageRange, TurnAppendResult } from "@chatbot-node/domain"
import { SqlClient, SqlSchema, type Statement } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { Clock, Effect, Exit, Layer, Option, type ParseResult, Schema, type Scope } from "effect"
import * as GroupCommit from "./GroupCommit.js"
import {
  ConversationFromRow,
  conversationColumns,
  FunctionCallsJson,
  MessageFromRow,
  messageColumns,
  messageOfPage,
  MessagePageRow,
  messagePageColumns,
  ProductsJson,
  SuggestionsJson
} from "./Rows.js"
import { containsPattern, decodeSearchCursor, encodeSearchCursor } from "./SearchCursor.js"
import { isUniqueViolation, mapStoreError } from "./StoreErrors.js"

const Counts = Schema.Struct({ conversations: Schema.Int, messages: Schema.Int })
const Count = Schema.Struct({ n: Schema.Int })
const Ok = Schema.Struct({ ok: Schema.Literal(1) })
const SummaryRow = Schema.Struct({ conversation: ConversationFromRow, last_message_text: Schema.NullOr(Schema.String) })
const Moment = Schema.DateFromSelf
const VisitorKey = Schema.Struct({ shopId: Ids.ShopId, visitorId: Ids.VisitorId })
const OwnedKey = Schema.Struct({ shopId: Ids.ShopId, visitorId: Ids.VisitorId, id: Ids.ConversationId })
const ClientKey = Schema.Struct({ conversationId: Ids.ConversationId, clientMessageId: Ids.ClientMessageId })
const VisitorClientKey = Schema.Struct({ shopId: Ids.ShopId, visitorId: Ids.VisitorId, clientMessageId: Ids.ClientMessageId })
const ReplyText = Schema.Struct({ id: Ids.MessageId, text: Schema.String, at: Moment })
const Stored = Schema.Struct({ id: Ids.MessageId, seq: Schema.Int })
/** A statement built with optional clauses, passed through as the request (its encoding is the identity). */
const Query = Schema.Unknown as Schema.Schema<Effect.Effect<ReadonlyArray<unknown>, SqlError>>

/** An append with its id, time and JSON parts made, waiting for its statement. */
interface PendingMessage {
  readonly input: Message.NewMessage
  readonly id: Ids.MessageId
  readonly at: Date
  readonly calls: string
  readonly products: string
  readonly suggestions: string
}
/** A message to append, and the one to append right after it in the same statement if it is new (a reply's placeholder). */
interface PendingAppend extends PendingMessage {
  readonly then?: PendingMessage | undefined
}
/** A reply's outcome with its time and JSON parts made, waiting for its statement. */
interface PendingFinish {
  readonly id: Ids.MessageId
  readonly text: string
  readonly status: Message.MessageStatus
  readonly at: Date
  readonly calls: string
  readonly products: string
  readonly suggestions: string
}
const emptyJson = Effect.succeed("[]")
type Appended = Option.Option<TurnAppendResult>
type AppendExit = Exit.Exit<Appended, SqlError | ParseResult.ParseError>

const byConversation = (a: PendingMessage, b: PendingMessage) =>
  a.input.conversationId < b.input.conversationId ? -1 : a.input.conversationId > b.input.conversationId ? 1 : 0

/** The message an append stored: what was sent, with the seq the database gave it. */
const appendedMessage = (p: PendingMessage, seq: number): Message.Message =>
  new Message.Message(
    {
      id: p.id,
      conversationId: p.input.conversationId,
      seq,
      role: p.input.role,
      text: p.input.text,
      functionCalls: p.input.functionCalls ?? [],
      products: p.input.products ?? [],
      suggestions: p.input.suggestions ?? [],
      status: p.input.status,
      clientMessageId: Option.fromNullable(p.input.clientMessageId),
      agentId: Option.fromNullable(p.input.agentId),
      createdAt: p.at,
      updatedAt: new Date(p.at.getTime())
    },
    true
  )

/**
 * Appends from concurrent callers share a statement: lanes (each one batch in flight) and the most
 * one statement carries. One lane: with 16 writers on 2 busy shared cores it stored 0.60-0.73 of
 * the bare INSERT rate against 0.49-0.57 with two lanes (batches of 16 cost ~200 us CPU per
 * message, Node + server; batches of 8 ~280 us).
 */
const appendLanes = 1
const maxAppendBatch = 64
/** The most reads of concurrent callers one statement carries. */
const maxReadBatch = 128

/** A statement that failed on the server (it carries an SQLSTATE) was rolled back whole; a lost connection may have committed. */
const rolledBack = (exit: Exit.Exit<unknown, SqlError | ParseResult.ParseError>) =>
  Exit.isFailure(exit) &&
  exit.cause._tag === "Fail" &&
  exit.cause.error instanceof SqlError &&
  typeof (exit.cause.error.cause as { readonly code?: unknown } | undefined)?.code === "string"

/**
 * Builds a ConversationStore on any PostgreSQL `SqlClient` (PostgreSQL or the embedded PGlite).
 * Appends go through `append_messages` (migrations 0002 and 0004): per run of messages to one
 * conversation it bumps the conversation's `last_seq` once (a row lock, so appends to one
 * conversation are serialised) and inserts the messages with those seqs. Appends of concurrent callers are group-committed (see GroupCommit): those that
 * arrive while a call runs go together in the next one, one statement and one commit for all. A
 * repeated clientMessageId breaks UNIQUE (conversation_id, client_message_id) and the call rolls
 * back whole; then each of its appends runs alone, and the one that repeats answers the stored
 * message, so every caller gets the answer it would have got by itself. An append inside the
 * caller's transaction runs alone on that transaction.
 */
export const make: Effect.Effect<ConversationStore.Service, never, SqlClient.SqlClient | Scope.Scope> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const now = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms))
  const cols = sql.literal(conversationColumns)
  const mcols = sql.literal(messageColumns)
  const ccols = sql.literal(conversationColumns.split(", ").map((c) => `c.${c}`).join(", "))
  /** Statements built below (with optional clauses) run through these, so rows still decode by Schema. */
  const pcols = sql.literal(messagePageColumns)
  const page = SqlSchema.findAll({ Request: Query, Result: MessagePageRow, execute: (q) => q })
  const oneConversation = SqlSchema.findOne({ Request: Query, Result: ConversationFromRow, execute: (q) => q })
  const counts = SqlSchema.single({ Request: Query, Result: Counts, execute: (q) => q })
  const stored = SqlSchema.findAll({ Request: Query, Result: Stored, execute: (q) => q })
  const finished = SqlSchema.findAll({ Request: Query, Result: MessageFromRow, execute: (q) => q })

  const getConversation = SqlSchema.findOne({
    Request: Ids.ConversationId,
    Result: ConversationFromRow,
    execute: (id) => sql`SELECT ${cols} FROM conversations WHERE id = ${id}`
  })
  const getVisitorConversation = SqlSchema.findOne({
    Request: OwnedKey,
    Result: ConversationFromRow,
    execute: ({ id, shopId, visitorId }) =>
      sql`SELECT ${cols} FROM conversations WHERE id = ${id} AND shop_id = ${shopId} AND visitor_id = ${visitorId}`
  })
  const conversationsById = SqlSchema.findAll({
    Request: Schema.Array(Ids.ConversationId),
    Result: ConversationFromRow,
    execute: (ids) => sql`SELECT ${cols} FROM conversations WHERE id = ANY(${ids}::text[])`
  })
  const latestVisitorConversation = SqlSchema.findOne({
    Request: VisitorKey,
    Result: ConversationFromRow,
    execute: ({ shopId, visitorId }) => sql`SELECT ${cols} FROM conversations
      WHERE shop_id = ${shopId} AND visitor_id = ${visitorId} ORDER BY updated_at DESC, id DESC LIMIT 1`
  })
  // One round trip: the latest conversation (by the visitor-by-recency index), kept only if the
  // (conversation, clientMessageId) index finds the visitor's message in it.
  const latestVisitorConversationHolding = SqlSchema.findOne({
    Request: VisitorClientKey,
    Result: ConversationFromRow,
    execute: ({ clientMessageId, shopId, visitorId }) => sql`SELECT ${cols} FROM (SELECT * FROM conversations
        WHERE shop_id = ${shopId} AND visitor_id = ${visitorId} ORDER BY updated_at DESC, id DESC LIMIT 1) latest
      WHERE EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = latest.id
        AND m.client_message_id = ${clientMessageId} AND m.role = 'visitor')`
  })
  const existingByClientId = SqlSchema.findOne({
    Request: ClientKey,
    Result: MessageFromRow,
    execute: ({ clientMessageId, conversationId }) => sql`SELECT ${mcols} FROM messages
      WHERE conversation_id = ${conversationId} AND client_message_id = ${clientMessageId}`
  })
  const appendReplyText = SqlSchema.findAll({
    Request: ReplyText,
    Result: Ok,
    execute: ({ at, id, text }) => sql`UPDATE messages SET text = text || ${text}, updated_at = ${at}::timestamptz
      WHERE id = ${id} AND status = 'streaming' RETURNING 1 AS ok`
  })
  const interruptStreaming = SqlSchema.single({
    Request: Moment,
    Result: Count,
    execute: (at) => sql`WITH u AS (
        UPDATE messages SET status = 'interrupted', updated_at = ${at}::timestamptz WHERE status = 'streaming' RETURNING 1
      ) SELECT count(*)::int AS n FROM u`
  })
  const summaries = SqlSchema.findAll({
    Request: Query,
    Result: SummaryRow,
    execute: (q) => Effect.map(q, (rows) => rows.map((row) => ({ conversation: row, last_message_text: (row as any).last_message_text })))
  })

  const encodeCalls = Schema.encode(FunctionCallsJson)
  const encodeProducts = Schema.encode(ProductsJson)
  const encodeSuggestions = Schema.encode(SuggestionsJson)
  /** JSON text of a message's structured part; an empty one (most messages) is `[]` without a trip through its encoder. */
  const jsonOf = <A, E>(encode: (parts: ReadonlyArray<A>) => Effect.Effect<string, E>, parts: ReadonlyArray<A> | undefined) =>
    parts === undefined || parts.length === 0 ? emptyJson : encode(parts)

  const deleteWhere = (operation: string, where: Statement.Fragment) =>
    counts(sql`WITH c AS (DELETE FROM conversations WHERE ${where} RETURNING id)
      SELECT (SELECT count(*) FROM c)::int AS conversations,
             (SELECT count(*) FROM messages WHERE conversation_id IN (SELECT id FROM c))::int AS messages`).pipe(
      Effect.map((deleted): Deleted => deleted),
      mapStoreError(operation)
    )

  const orNotFound =
    (conversationId: Ids.ConversationId) =>
    <A, E, R>(self: Effect.Effect<Option.Option<A>, E, R>): Effect.Effect<A, E | Errors.ConversationNotFound, R> =>
      Effect.flatMap(self, (found) =>
        Option.isSome(found)
          ? Effect.succeed(found.value)
          : Effect.fail(new Errors.ConversationNotFound({ conversationId }))
      )

  /**
   * Appends in one statement (see migration 0002_append_messages), each message followed by its
   * `then`: answers (id, seq) of each stored message; an append to a conversation that does not
   * exist stores nothing.
   */
  const insertMessages = (ps: ReadonlyArray<PendingAppend>) => {
    // In conversation id order (each conversation's own in the order they came), as finish_replies
    // locks conversations, so that two batches never wait on each other in a cycle.
    const all = (ps.length === 1 ? ps : [...ps].sort(byConversation)).flatMap((p): Array<PendingMessage> => (p.then === undefined ? [p] : [p, p.then]))
    return stored(sql`SELECT id, seq FROM append_messages(
        ${all.map((p) => p.id)}::text[], ${all.map((p) => p.input.conversationId)}::text[],
        ${all.map((p) => p.input.role)}::text[], ${all.map((p) => p.input.text)}::text[],
        ${all.map((p) => p.calls)}::text[], ${all.map((p) => p.products)}::text[], ${all.map((p) => p.suggestions)}::text[],
        ${all.map((p) => p.input.status)}::text[], ${all.map((p) => p.input.clientMessageId ?? null)}::text[],
        ${all.map((p) => p.input.agentId ?? null)}::text[], ${all.map((p) => p.at.toISOString())}::timestamptz[])`).pipe(
      Effect.map((rows) => {
        const seqs = new Map(rows.map((row) => [row.id, row.seq]))
        const storedAs = (m: PendingMessage) => Option.map(Option.fromNullable(seqs.get(m.id)), (seq) => appendedMessage(m, seq))
        return ps.map((p): Appended =>
          Option.map(storedAs(p), (message) => ({
            visitor: { message, created: true },
            reply: p.then === undefined ? Option.none() : storedAs(p.then)
          })))
      })
    )
  }

  /**
   * One append alone (with its `then`, in the same statement); a repeated clientMessageId rolls the
   * statement back and answers the stored message, with nothing after it.
   */
  const appendOne = (p: PendingAppend): Effect.Effect<Appended, SqlError | ParseResult.ParseError> =>
    insertMessages([p]).pipe(
      Effect.map((results) => results[0] ?? Option.none()),
      Effect.catchIf(
        (e) => p.input.clientMessageId !== undefined && isUniqueViolation(e, "messages_client_message_id_key"),
        () =>
          existingByClientId({ conversationId: p.input.conversationId, clientMessageId: p.input.clientMessageId! }).pipe(
            Effect.map(Option.map((message): TurnAppendResult => ({ visitor: { message, created: false }, reply: Option.none() })))
          )
      )
    )

  const runAppends = (ps: ReadonlyArray<PendingAppend>): Effect.Effect<ReadonlyArray<AppendExit>> =>
    ps.length === 1
      ? Effect.map(Effect.exit(appendOne(ps[0]!)), (exit) => [exit])
      : Effect.flatMap(Effect.exit(insertMessages(ps)), (exit) =>
          Exit.isSuccess(exit)
            ? Effect.succeed(exit.value.map((appended): AppendExit => Exit.succeed(appended)))
            : rolledBack(exit)
            // Rolled back (e.g. a repeated clientMessageId): each append alone, in order, answers for itself.
            ? Effect.forEach(ps, (p) => Effect.exit(appendOne(p)))
            : Effect.succeed(ps.map((): AppendExit => Exit.failCause(exit.cause)))
        )

  /** A message with its id, time and JSON parts made. */
  const pendingOf = (input: Message.NewMessage) =>
    Effect.gen(function* () {
      return {
        input,
        id: yield* Ids.newMessageId,
        at: yield* now,
        calls: yield* jsonOf(encodeCalls, input.functionCalls),
        products: yield* jsonOf(encodeProducts, input.products),
        suggestions: yield* jsonOf(encodeSuggestions, input.suggestions)
      } satisfies PendingMessage
    })

  const appendGrouped = yield* GroupCommit.make({
    lanes: appendLanes,
    maxBatch: maxAppendBatch,
    keyOf: (p: PendingAppend) => p.input.conversationId,
    run: runAppends
  })

  /** Finishes replies in one statement (see migration 0003_finish_replies): each one's message, if it exists. */
  const finishMessages = (ps: ReadonlyArray<PendingFinish>) =>
    finished(sql`SELECT ${mcols} FROM finish_replies(
        ${ps.map((p) => p.id)}::text[], ${ps.map((p) => p.text)}::text[], ${ps.map((p) => p.status)}::text[],
        ${ps.map((p) => p.calls)}::text[], ${ps.map((p) => p.products)}::text[], ${ps.map((p) => p.suggestions)}::text[],
        ${ps.map((p) => p.at.toISOString())}::timestamptz[])`).pipe(
      Effect.map((rows) => {
        const byId = new Map(rows.map((m) => [m.id, m]))
        return ps.map((p) => Option.fromNullable(byId.get(p.id)))
      })
    )
  const finishOne = (p: PendingFinish) => Effect.map(finishMessages([p]), (one) => one[0]!)
  // Every reply ends with its finish: those of concurrent replies share a statement; a batch that
  // fails is retried one by one, so that each reply gets its own answer.
  const finishGrouped = yield* GroupCommit.make({
    lanes: 1,
    maxBatch: maxAppendBatch,
    keyOf: (p: PendingFinish) => p.id,
    run: (ps) =>
      Effect.flatMap(Effect.exit(finishMessages(ps)), (exit) =>
        Exit.isSuccess(exit)
          ? Effect.succeed(exit.value.map((m) => Exit.succeed(m)))
          : ps.length > 1
          ? Effect.forEach(ps, (p) => Effect.exit(finishOne(p)))
          : Effect.succeed([Exit.failCause(exit.cause)]))
  })

  // The check that a conversation is the visitor's comes with every message to it: those of
  // concurrent callers are read in one statement, each answered only with its own visitor's conversation.
  type OwnedKey = typeof OwnedKey.Type
  const ownedGrouped = yield* GroupCommit.make({
    lanes: 1,
    maxBatch: maxReadBatch,
    keyOf: (key: OwnedKey) => key.id,
    run: (keys) =>
      Effect.map(Effect.exit(conversationsById(Array.from(new Set(keys.map((k) => k.id))))), (exit) => {
        if (Exit.isFailure(exit)) return keys.map(() => Exit.failCause(exit.cause))
        const byId = new Map(exit.value.map((c) => [c.id, c]))
        return keys.map((k) => Exit.succeed(Option.filter(Option.fromNullable(byId.get(k.id)), (c) => c.shopId === k.shopId && c.visitorId === k.visitorId)))
      })
  })

  /** Inside the caller's transaction, `alone` on it; else batched with concurrent callers' items. */
  const aloneInTransaction = <I, A, E>(alone: (item: I) => Effect.Effect<A, E>, batched: (item: I) => Effect.Effect<A, E>) => (item: I) =>
    Effect.flatMap(Effect.serviceOption(SqlClient.TransactionConnection), (transaction) =>
      Option.isSome(transaction) ? alone(item) : batched(item))

  const append = aloneInTransaction(appendOne, appendGrouped)
  const visitorConversation = aloneInTransaction(getVisitorConversation, ownedGrouped)
  const finish = aloneInTransaction(finishOne, finishGrouped)

  const service: ConversationStore.Service = {
    createConversation: (input) =>
      Effect.flatMap(now, (at) =>
        SqlSchema.single({
          Request: Schema.Void,
          Result: ConversationFromRow,
          execute: () => sql`INSERT INTO conversations (id, shop_id, visitor_id, locale, bot_id, status, created_at, updated_at)
            VALUES (${input.id}, ${input.shopId}, ${input.visitorId}, ${input.locale}, ${input.botId}, 'bot',
                    ${at}::timestamptz, ${at}::timestamptz)
            RETURNING ${cols}`
        })(undefined)
      ).pipe(mapStoreError("createConversation")),

    // One statement: the conversation, already at seq 2, and its first two messages (the foreign key
    // is checked at the statement's end, when the conversation's row is there).
    openConversation: (input, visitor, reply) =>
      Effect.gen(function* () {
        const first = yield* pendingOf(visitor)
        const then = yield* pendingOf(reply)
        const at = then.at
        const row = (p: PendingMessage, seq: number) =>
          sql`(${p.id}, ${input.id}, ${seq}, ${p.input.role}, ${p.input.text}, ${p.calls}::jsonb, ${p.products}::jsonb,
               ${p.suggestions}::jsonb, ${p.input.status}, ${p.input.clientMessageId ?? null}, ${p.input.agentId ?? null},
               ${p.at}::timestamptz, ${p.at}::timestamptz)`
        const opened = yield* oneConversation(sql`WITH c AS (
            INSERT INTO conversations (id, shop_id, visitor_id, locale, bot_id, status, last_seq, created_at, updated_at)
            VALUES (${input.id}, ${input.shopId}, ${input.visitorId}, ${input.locale}, ${input.botId}, 'bot', 2,
                    ${first.at}::timestamptz, ${at}::timestamptz)
            RETURNING ${cols}
          ), m AS (
            INSERT INTO messages (id, conversation_id, seq, role, text, function_calls, products, suggestions, status,
                                  client_message_id, agent_id, created_at, updated_at)
            VALUES ${row(first, 1)}, ${row(then, 2)}
          )
          SELECT * FROM c`)
        if (Option.isNone(opened)) return yield* Effect.fail(new Errors.StoreError({ operation: "openConversation", message: "no conversation row returned" }))
        return {
          conversation: opened.value,
          turn: { visitor: { message: appendedMessage(first, 1), created: true }, reply: Option.some(appendedMessage(then, 2)) }
        }
      }).pipe(mapStoreError("openConversation")),

    getConversation: (id) => getConversation(id).pipe(mapStoreError("getConversation")),

    getVisitorConversation: (shopId, visitorId, id) =>
      visitorConversation({ shopId, visitorId, id }).pipe(mapStoreError("getVisitorConversation")),

    latestVisitorConversation: (shopId, visitorId) =>
      latestVisitorConversation({ shopId, visitorId }).pipe(mapStoreError("latestVisitorConversation")),

    latestVisitorConversationHolding: (shopId, visitorId, clientMessageId) =>
      latestVisitorConversationHolding({ shopId, visitorId, clientMessageId }).pipe(mapStoreError("latestVisitorConversationHolding")),

    updateConversation: (id, patch) =>
      Effect.flatMap(now, (at) =>
        oneConversation(sql`UPDATE conversations SET
            locale = COALESCE(${patch.locale ?? null}::text, locale),
            bot_id = COALESCE(${patch.botId ?? null}::text, bot_id),
            upstream_conversation_id = COALESCE(${patch.upstreamConversationId ?? null}::text, upstream_conversation_id),
            status = COALESCE(${patch.status ?? null}::text, status),
            assigned_agent_id = CASE WHEN ${patch.assignedAgentId !== undefined}::boolean
              THEN ${patch.assignedAgentId ?? null}::text ELSE assigned_agent_id END,
            updated_at = GREATEST(updated_at, ${at}::timestamptz)
          WHERE id = ${id} RETURNING ${cols}`)
      ).pipe(mapStoreError("updateConversation"), orNotFound(id)),

    appendMessage: (input) =>
      Effect.flatMap(pendingOf(input), (pending) => append(pending)).pipe(
        Effect.map(Option.map((appended) => appended.visitor)),
        mapStoreError("appendMessage"),
        orNotFound(input.conversationId)
      ),

    appendTurn: (visitor, reply) =>
      Effect.flatMap(Effect.all([pendingOf(visitor), pendingOf(reply)]), ([first, then]) => append({ ...first, then })).pipe(
        mapStoreError("appendTurn"),
        orNotFound(visitor.conversationId)
      ),

    appendReplyText: (id, text) =>
      Effect.flatMap(now, (at) => appendReplyText({ id, text, at })).pipe(
        mapStoreError("appendReplyText"),
        Effect.flatMap((rows) =>
          rows.length === 1
            ? Effect.void
            : Effect.fail(new Errors.StoreError({ operation: "appendReplyText", message: `no streaming message ${id}` }))
        )
      ),

    finishReply: (id, outcome) =>
      Effect.gen(function* () {
        const pending: PendingFinish = {
          id,
          text: outcome.text,
          status: outcome.status,
          at: yield* now,
          calls: yield* jsonOf(encodeCalls, outcome.functionCalls),
          products: yield* jsonOf(encodeProducts, outcome.products),
          suggestions: yield* jsonOf(encodeSuggestions, outcome.suggestions)
        }
        return yield* Option.match(yield* finish(pending), {
          onNone: () => Effect.fail(new Errors.StoreError({ operation: "finishReply", message: `no message ${id}` })),
          onSome: Effect.succeed
        })
      }).pipe(mapStoreError("finishReply")),

    listMessages: (conversationId, range: MessageRange) => {
      const limit = Math.max(0, Math.floor(range.limit))
      // The newest `limit` (before a seq) are read newest first by the index and put in order here.
      const newestFirst = range.afterSeq === undefined
      const query = newestFirst
        ? sql`SELECT ${pcols} FROM messages WHERE conversation_id = ${conversationId}
              ${range.beforeSeq !== undefined ? sql`AND seq < ${range.beforeSeq}` : sql.literal("")}
              ORDER BY seq DESC LIMIT ${limit}`
        : sql`SELECT ${pcols} FROM messages WHERE conversation_id = ${conversationId} AND seq > ${range.afterSeq}
              ORDER BY seq LIMIT ${limit}`
      return page(query).pipe(
        Effect.map((rows) => {
          const out = rows.map((row) => messageOfPage(conversationId, row))
          return newestFirst ? out.reverse() : out
        }),
        mapStoreError("listMessages")
      )
    },

    searchConversations: (search: ConversationSearch) =>
      Effect.gen(function* () {
        const after = yield* decodeSearchCursor(search.cursor)
        const limit = Math.max(1, Math.floor(search.limit))
        const where = [
          search.shopIds && search.shopIds.length > 0 ? sql`c.shop_id IN ${sql.in(search.shopIds)}` : undefined,
          search.visitorId !== undefined ? sql`c.visitor_id = ${search.visitorId}` : undefined,
          search.status !== undefined ? sql`c.status = ${search.status}` : undefined,
          search.from !== undefined ? sql`c.updated_at >= ${search.from}::timestamptz` : undefined,
          search.to !== undefined ? sql`c.created_at < ${search.to}::timestamptz` : undefined,
          after !== undefined ? sql`(c.updated_at, c.id) < (${after.updatedAt}::timestamptz, ${after.id})` : undefined,
          search.text !== undefined
            ? sql`EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id
                    AND lower(m.text) LIKE lower(${containsPattern(search.text)}) ESCAPE '\\')`
            : undefined
        ].filter((clause) => clause !== undefined)
        const rows = yield* summaries(sql`SELECT ${ccols},
            (SELECT m.text FROM messages m WHERE m.conversation_id = c.id ORDER BY m.seq DESC LIMIT 1) AS last_message_text
          FROM conversations c WHERE ${sql.and(where)}
          ORDER BY c.updated_at DESC, c.id DESC LIMIT ${limit + 1}`)
        const items = rows.slice(0, limit).map((row) => ({
          conversation: row.conversation,
          lastMessageText: Option.fromNullable(row.last_message_text)
        }))
        const last = items.at(-1)
        return {
          items,
          nextCursor: rows.length > limit && last !== undefined ? Option.some(encodeSearchCursor(last.conversation)) : Option.none()
        }
      }).pipe(mapStoreError("searchConversations")),

    interruptStreamingReplies: Effect.flatMap(now, interruptStreaming).pipe(
      Effect.map((r) => r.n),
      mapStoreError("interruptStreamingReplies")
    ),

    deleteVisitorData: (shopId, visitorId) =>
      deleteWhere("deleteVisitorData", sql.and([sql`shop_id = ${shopId}`, sql`visitor_id = ${visitorId}`])),

    deleteIdleConversations: (shopId, before) =>
      deleteWhere("deleteIdleConversations", sql.and([sql`shop_id = ${shopId}`, sql`updated_at < ${before}::timestamptz`]))
  }
  return service
})

/** The PostgreSQL ConversationStore as a layer over whichever `SqlClient` is provided. */
export const layer: Layer.Layer<ConversationStore, never, SqlClient.SqlClient> = Layer.scoped(ConversationStore, make)
