import { ConversationStore, Errors, Ids } from "@chatbot-node/domain"
import { FunctionCall, Product, type TurnAppendResult } from "@chatbot-node/domain"
import { expect, layer } from "@effect/vitest"
import { Array as Arr, Effect, FastCheck as fc, Fiber, Layer, Option, TestClock } from "effect"
import { allMessages, newShopId, newVisitorId, oneTo, openConversation, say, sayAndStartReply, startReply, unicodeSamples } from "./fixtures.js"
import { searchContract } from "./SearchContract.js"

/**
 * The behaviour every ConversationStore must have, registered as one suite against `storeLayer`
 * (built once for the suite, on a fresh database). Tests use fresh shop and visitor ids, so they
 * never depend on each other's rows.
 */
export const conversationStoreContract = (name: string, storeLayer: Layer.Layer<ConversationStore, unknown>) =>
  layer(storeLayer, { timeout: "120 seconds" })(`ConversationStore contract: ${name}`, (it) => {
    it.effect("creates a conversation and reads it back, to its visitor only", () =>
      Effect.gen(function* () {
        const store = yield* ConversationStore
        const shopId = newShopId()
        const visitorId = newVisitorId()
        const c = yield* openConversation(shopId, visitorId)
        expect(c.status).toBe("bot")
        expect(Option.isNone(c.assignedAgentId)).toBe(true)
        expect(yield* store.getConversation(c.id)).toEqual(Option.some(c))
        expect(yield* store.getVisitorConversation(shopId, visitorId, c.id)).toEqual(Option.some(c))
        // another visitor of the same shop, the same visitor id in another shop: nothing
        expect(yield* store.getVisitorConversation(shopId, newVisitorId(), c.id)).toEqual(Option.none())
        expect(yield* store.getVisitorConversation(newShopId(), visitorId, c.id)).toEqual(Option.none())
        expect(yield* store.getConversation(yield* Ids.newConversationId)).toEqual(Option.none())
        const again = yield* Effect.flip(store.createConversation({ ...c, id: c.id }))
        expect(again._tag).toBe("StoreError")
      }))

    it.effect("concurrent readers of conversations each get only their own visitor's (reads of several callers may share a statement)", () =>
      Effect.gen(function* () {
        const store = yield* ConversationStore
        const shopId = newShopId()
        const owners = [newVisitorId(), newVisitorId(), newVisitorId()]
        const conversations = yield* Effect.forEach(owners, (v) => openConversation(shopId, v))
        const missing = yield* Ids.newConversationId
        // Every (visitor, conversation) pair at once, the same pair twice, and an id that does not exist.
        const asks = [
          ...owners.flatMap((v) => conversations.map((c) => ({ v, c: c.id }))),
          { v: owners[0]!, c: conversations[0]!.id },
          { v: owners[1]!, c: missing }
        ]
        const found = yield* Effect.forEach(asks, ({ c, v }) => store.getVisitorConversation(shopId, v, c), { concurrency: "unbounded" })
        asks.forEach(({ c, v }, i) => {
          const own = conversations.find((conversation) => conversation.id === c && conversation.visitorId === v)
          expect(found[i]).toEqual(own === undefined ? Option.none() : Option.some(own))
        })
        expect(found.filter(Option.isSome)).toHaveLength(4)
        // The owner in another shop: nothing, even among others' reads.
        const elsewhere = yield* Effect.forEach(conversations, (c) => store.getVisitorConversation(newShopId(), c.visitorId, c.id), { concurrency: "unbounded" })
        expect(elsewhere.every(Option.isNone)).toBe(true)
      }))

    it.effect("latestVisitorConversationHolding: the latest conversation only when it holds the visitor's message with that clientMessageId", () =>
      Effect.gen(function* () {
        const store = yield* ConversationStore
        const shopId = newShopId()
        const visitorId = newVisitorId()
        const id = (text: string) => Ids.ClientMessageId.make(text)
        expect(yield* store.latestVisitorConversationHolding(shopId, visitorId, id("first"))).toEqual(Option.none())
        const older = yield* openConversation(shopId, visitorId)
        yield* say(older.id, "hello", "in-older")
        yield* TestClock.adjust("1 second")
        const latest = yield* openConversation(shopId, visitorId)
        yield* say(latest.id, "hello again", "first")
        yield* store.appendMessage({ conversationId: latest.id, role: "agent", text: "hi", status: "complete", clientMessageId: id("agent-side") })
        const found = yield* store.latestVisitorConversationHolding(shopId, visitorId, id("first"))
        expect(Option.map(found, (c) => c.id)).toEqual(Option.some(latest.id))
        // in an older conversation, from someone else than the visitor, or unknown: none
        expect(yield* store.latestVisitorConversationHolding(shopId, visitorId, id("in-older"))).toEqual(Option.none())
        expect(yield* store.latestVisitorConversationHolding(shopId, visitorId, id("agent-side"))).toEqual(Option.none())
        expect(yield* store.latestVisitorConversationHolding(shopId, visitorId, id("never-sent"))).toEqual(Option.none())
        // never another visitor's, nor another shop's
        expect(yield* store.latestVisitorConversationHolding(shopId, newVisitorId(), id("first"))).toEqual(Option.none())
        expect(yield* store.latestVisitorConversationHolding(newShopId(), visitorId, id("first"))).toEqual(Option.none())
      }))

    it.effect("latestVisitorConversation is the visitor's most recently active one, never another's", () =>
      Effect.gen(function* () {
        const store = yield* ConversationStore
        const shopId = newShopId()
        const visitorId = newVisitorId()
        expect(yield* store.latestVisitorConversation(shopId, visitorId)).toEqual(Option.none())
        const first = yield* openConversation(shopId, visitorId)
        yield* TestClock.adjust("1 second")
        const second = yield* openConversation(shopId, visitorId)
        yield* TestClock.adjust("1 second")
        yield* openConversation(shopId, newVisitorId())
        yield* openConversation(newShopId(), visitorId)
        expect(Option.map(yield* store.latestVisitorConversation(shopId, visitorId), (c) => c.id)).toEqual(Option.some(second.id))
        yield* TestClock.adjust("1 second")
        yield* say(first.id, "back again")
        expect(Option.map(yield* store.latestVisitorConversation(shopId, visitorId), (c) => c.id)).toEqual(Option.some(first.id))
      }))

    it.effect("updateConversation changes only the given fields and clears the agent with null", () =>
      Effect.gen(function* () {
        const store = yield* ConversationStore
        const c = yield* openConversation()
        yield* TestClock.adjust("1 second")
        const agent = Ids.AdminId.make("agent-1")
        const handed = yield* store.updateConversation(c.id, { status: "agent", assignedAgentId: agent, upstreamConversationId: "7412345678901234567" })
        expect(handed.status).toBe("agent")
        expect(handed.assignedAgentId).toEqual(Option.some(agent))
        expect(handed.upstreamConversationId).toEqual(Option.some("7412345678901234567"))
        expect(handed.locale).toBe("en")
        expect(handed.updatedAt.getTime()).toBeGreaterThan(c.updatedAt.getTime())
        const back = yield* store.updateConversation(c.id, { status: "bot", assignedAgentId: null, locale: "es" })
        expect(back.assignedAgentId).toEqual(Option.none())
        expect(back.upstreamConversationId).toEqual(Option.some("7412345678901234567"))
        expect(back.locale).toBe("es")
        expect(yield* store.getConversation(c.id)).toEqual(Option.some(back))
        const missing = yield* Effect.flip(store.updateConversation(yield* Ids.newConversationId, { status: "closed" }))
        expect(missing).toBeInstanceOf(Errors.ConversationNotFound)
      }))

    it.effect("appending to an unknown conversation is ConversationNotFound", () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(say(yield* Ids.newConversationId, "hello"))
        expect(error).toBeInstanceOf(Errors.ConversationNotFound)
      }))

    it.effect("the same clientMessageId twice stores one message and answers the same", () =>
      Effect.gen(function* () {
        const c = yield* openConversation()
        const first = yield* say(c.id, "where is my order?", "msg-1")
        const retry = yield* say(c.id, "where is my order?", "msg-1")
        expect(first.created).toBe(true)
        expect(retry.created).toBe(false)
        expect(retry.message).toEqual(first.message)
        const other = yield* say(c.id, "and another thing", "msg-2")
        expect(other.message.seq).toBe(2)
        expect((yield* allMessages(c.id)).map((m) => m.id)).toEqual([first.message.id, other.message.id])
        // the same clientMessageId in another conversation is another message
        const elsewhere = yield* say((yield* openConversation()).id, "where is my order?", "msg-1")
        expect(elsewhere.created).toBe(true)
      }))

    it.effect("the same clientMessageId sent concurrently stores one message; every caller gets it", () =>
      Effect.gen(function* () {
        const c = yield* openConversation()
        const results = yield* Effect.all(Arr.replicate(say(c.id, "hola", "dup"), 12), { concurrency: "unbounded" })
        expect(results.filter((r) => r.created)).toHaveLength(1)
        expect(new Set(results.map((r) => r.message.id)).size).toBe(1)
        const stored = yield* allMessages(c.id)
        expect(stored.map((m) => [m.seq, m.text])).toEqual([[1, "hola"]])
      }))

    it.effect("concurrent appends to one conversation get seqs 1..n, no gaps, no duplicates", () =>
      Effect.gen(function* () {
        const c = yield* openConversation()
        const n = 40
        const results = yield* Effect.forEach(oneTo(n), (i) => say(c.id, `m${i}`, `c${i}`), { concurrency: 8 })
        expect(results.map((r) => r.message.seq).sort((a, b) => a - b)).toEqual(oneTo(n))
        const stored = yield* allMessages(c.id)
        expect(stored.map((m) => m.seq)).toEqual(oneTo(n))
        expect(new Set(stored.map((m) => m.text)).size).toBe(n)
        for (const r of results) expect(stored[r.message.seq - 1]?.id).toBe(r.message.id)
      }))

    it.effect("concurrent appends to many conversations, one unknown and one repeated, each answer for themselves", () =>
      Effect.gen(function* () {
        const conversations = yield* Effect.all(Arr.replicate(openConversation(), 6))
        const first = yield* say(conversations[0]!.id, "already here", "repeat")
        const unknown = yield* Ids.newConversationId
        const sends = [
          ...conversations.flatMap((c, i) => [say(c.id, `a${i}`, `a${i}`), say(c.id, `b${i}`)]),
          say(conversations[0]!.id, "already here", "repeat")
        ]
        const [results, missing] = yield* Effect.all(
          [Effect.all(sends, { concurrency: "unbounded" }), Effect.flip(say(unknown, "to nobody", "x"))],
          { concurrency: "unbounded" }
        )
        expect(missing).toBeInstanceOf(Errors.ConversationNotFound)
        const repeated = results.at(-1)!
        expect(repeated.created).toBe(false)
        expect(repeated.message).toEqual(first.message)
        for (const [i, c] of conversations.entries()) {
          const stored = yield* allMessages(c.id)
          const mine = results
            .filter((r) => r.created && r.message.conversationId === c.id)
            .map((r) => r.message)
            .sort((a, b) => a.seq - b.seq)
          expect(mine.map((m) => m.text).sort()).toEqual([`a${i}`, `b${i}`])
          expect(stored.slice(i === 0 ? 1 : 0)).toEqual(mine)
          expect(stored.map((m) => m.seq)).toEqual(oneTo(i === 0 ? 3 : 2))
        }
      }))

    it.effect("appendTurn stores the message and the reply's placeholder right after it; a retried message stores no placeholder", () =>
      Effect.gen(function* () {
        const c = yield* openConversation()
        const turn = yield* sayAndStartReply(c.id, "do you ship to Spain?", "t-1")
        expect(turn.visitor.created).toBe(true)
        const reply = Option.getOrThrow(turn.reply)
        expect([turn.visitor.message.seq, reply.seq]).toEqual([1, 2])
        expect([reply.role, reply.status, reply.text]).toEqual(["bot", "streaming", ""])
        const retried = yield* sayAndStartReply(c.id, "do you ship to Spain?", "t-1")
        expect(retried.visitor.created).toBe(false)
        expect(retried.visitor.message).toEqual(turn.visitor.message)
        expect(Option.isNone(retried.reply)).toBe(true)
        expect((yield* allMessages(c.id)).map((m) => [m.seq, m.role, m.status])).toEqual([[1, "visitor", "complete"], [2, "bot", "streaming"]])
        const error = yield* Effect.flip(sayAndStartReply(yield* Ids.newConversationId, "to nobody", "t-2"))
        expect(error).toBeInstanceOf(Errors.ConversationNotFound)
      }))

    it.effect("openConversation opens a conversation with its message and the reply's placeholder; what follows takes seq 3 on", () =>
      Effect.gen(function* () {
        const store = yield* ConversationStore
        const shopId = newShopId()
        const visitorId = newVisitorId()
        const id = yield* Ids.newConversationId
        const clientMessageId = Ids.ClientMessageId.make("first-1")
        const opened = yield* store.openConversation(
          { id, shopId, visitorId, locale: "es", botId: Ids.BotId.make("bot-1") },
          { conversationId: id, role: "visitor", text: "¿Tienen botas? 有靴子吗", status: "complete", clientMessageId },
          { conversationId: id, role: "bot", text: "", status: "streaming" }
        )
        expect(opened.conversation).toMatchObject({ id, shopId, visitorId, locale: "es", status: "bot" })
        expect(yield* store.getVisitorConversation(shopId, visitorId, id)).toEqual(Option.some(opened.conversation))
        const reply = Option.getOrThrow(opened.turn.reply)
        expect(opened.turn.visitor.created).toBe(true)
        expect([opened.turn.visitor.message.seq, reply.seq, reply.status]).toEqual([1, 2, "streaming"])
        expect(yield* allMessages(id)).toEqual([opened.turn.visitor.message, reply])
        // The first message is found again by its clientMessageId (a retried first message).
        expect(Option.map(yield* store.latestVisitorConversationHolding(shopId, visitorId, clientMessageId), (c) => c.id)).toEqual(Option.some(id))
        const retried = yield* sayAndStartReply(id, "¿Tienen botas? 有靴子吗", "first-1")
        expect(retried.visitor).toEqual({ message: opened.turn.visitor.message, created: false })
        const next = yield* sayAndStartReply(id, "¿y en rojo?", "second-1")
        expect([next.visitor.message.seq, Option.getOrThrow(next.reply).seq]).toEqual([3, 4])
        // The id must be new: nothing is stored for an id taken.
        const again = yield* Effect.flip(store.openConversation(
          { id, shopId, visitorId, locale: "es", botId: Ids.BotId.make("bot-1") },
          { conversationId: id, role: "visitor", text: "again", status: "complete" },
          { conversationId: id, role: "bot", text: "", status: "streaming" }
        ))
        expect(again._tag).toBe("StoreError")
        expect((yield* allMessages(id)).map((m) => m.seq)).toEqual([1, 2, 3, 4])
      }))

    it.effect("concurrent turns and appends to many conversations, one turn retried, each answer for themselves with each placeholder after its message", () =>
      Effect.gen(function* () {
        const conversations = yield* Effect.all(Arr.replicate(openConversation(), 5))
        const first = yield* sayAndStartReply(conversations[0]!.id, "already asked", "again")
        const sends = [
          ...conversations.flatMap((c, i) => [sayAndStartReply(c.id, `q${i}`, `q${i}`), say(c.id, `note${i}`)]),
          sayAndStartReply(conversations[0]!.id, "already asked", "again")
        ]
        const results = yield* Effect.all(sends, { concurrency: "unbounded" })
        const retried = results.at(-1) as TurnAppendResult
        expect(retried.visitor.created).toBe(false)
        expect(retried.visitor.message).toEqual(first.visitor.message)
        expect(Option.isNone(retried.reply)).toBe(true)
        for (const [i, c] of conversations.entries()) {
          const stored = (yield* allMessages(c.id)).slice(i === 0 ? 2 : 0)
          expect(stored.map((m) => m.text).sort()).toEqual(["", `note${i}`, `q${i}`])
          const question = stored.findIndex((m) => m.text === `q${i}`)
          expect(stored[question + 1]).toMatchObject({ role: "bot", status: "streaming" })
          const turn = results[i * 2] as TurnAppendResult
          expect(Option.getOrThrow(turn.reply)).toEqual(stored[question + 1])
        }
      }))

    it.effect.prop(
      "any interleaving of writers and retries keeps one message per clientMessageId, seqs 1..k",
      {
        ops: fc.array(fc.record({ key: fc.integer({ min: 0, max: 9 }), text: fc.string({ maxLength: 20 }) }), {
          minLength: 1,
          maxLength: 25
        }),
        concurrency: fc.integer({ min: 1, max: 6 })
      },
      ({ concurrency, ops }) =>
        Effect.gen(function* () {
          const c = yield* openConversation()
          const results = yield* Effect.forEach(ops, (op) => say(c.id, op.text.replaceAll("\u0000", ""), `k${op.key}`), {
            concurrency
          })
          const keys = new Set(ops.map((op) => op.key))
          const stored = yield* allMessages(c.id)
          expect(stored.map((m) => m.seq)).toEqual(oneTo(keys.size))
          expect(results.filter((r) => r.created)).toHaveLength(keys.size)
          for (const [i, op] of ops.entries()) {
            const message = results[i]!.message
            expect(Option.getOrUndefined(message.clientMessageId)).toBe(`k${op.key}`)
            expect(stored[message.seq - 1]).toEqual(message)
          }
        }),
      { fastCheck: { numRuns: 12 } }
    )

    it.effect("paging forward never skips or repeats while messages are being appended", () =>
      Effect.gen(function* () {
        const store = yield* ConversationStore
        const c = yield* openConversation()
        const n = 60
        const writer = yield* Effect.fork(
          Effect.forEach(oneTo(n), (i) => Effect.zipRight(say(c.id, `m${i}`, `w${i}`), Effect.yieldNow()), {
            concurrency: 3
          })
        )
        const seen: Array<number> = []
        while (seen.length < n) {
          const page = yield* store.listMessages(c.id, { afterSeq: seen.at(-1) ?? 0, limit: 7 })
          seen.push(...page.map((m) => m.seq))
          yield* Effect.yieldNow()
        }
        yield* Fiber.join(writer)
        expect(seen).toEqual(oneTo(n))
      }))

    it.effect("paging backward from the latest page covers every older message once", () =>
      Effect.gen(function* () {
        const store = yield* ConversationStore
        const c = yield* openConversation()
        yield* Effect.forEach(oneTo(30), (i) => say(c.id, `m${i}`))
        const latest = yield* store.listMessages(c.id, { limit: 8 })
        expect(latest.map((m) => m.seq)).toEqual(oneTo(8).map((i) => i + 22))
        const writer = yield* Effect.fork(Effect.forEach(oneTo(20), (i) => say(c.id, `late${i}`), { concurrency: 2 }))
        const older: Array<number> = []
        let before = latest[0]!.seq
        for (;;) {
          const page = yield* store.listMessages(c.id, { beforeSeq: before, limit: 8 })
          if (page.length === 0) break
          older.unshift(...page.map((m) => m.seq))
          before = page[0]!.seq
        }
        yield* Fiber.join(writer)
        expect(older).toEqual(oneTo(22))
        expect(yield* store.listMessages(c.id, { afterSeq: 48, limit: 100 })).toHaveLength(2)
      }))

    it.effect("a reply written in parts ends complete with the whole text", () =>
      Effect.gen(function* () {
        const store = yield* ConversationStore
        const c = yield* openConversation()
        yield* say(c.id, "show me red shoes", "q1")
        const reply = yield* startReply(c.id)
        expect(reply.status).toBe("streaming")
        const parts = ["Here ", "are ", "some ", "red shoes", " 👟"]
        for (const part of parts) yield* store.appendReplyText(reply.id, part)
        const midway = yield* store.listMessages(c.id, { limit: 10 })
        expect(midway[1]).toMatchObject({ id: reply.id, text: parts.join(""), status: "streaming" })
        const product = new Product.Product({
          id: "p1",
          sku: "SKU-1",
          name: "Red shoe",
          price: new Product.Money({ amount: 59.9, currency: "EUR" }),
          url: "https://shop.example/p1",
          inStock: true,
          stockQuantity: 3
        })
        const call = new FunctionCall.FunctionCall({ name: "get_product_list", arguments: { keyword: "red shoes", limit: 5 } })
        const finished = yield* store.finishReply(reply.id, {
          text: parts.join(""),
          status: "complete",
          functionCalls: [call],
          products: [product],
          suggestions: ["Size 42?", "¿Otros colores?"]
        })
        expect(finished).toMatchObject({ id: reply.id, seq: 2, text: parts.join(""), status: "complete" })
        const stored = (yield* store.listMessages(c.id, { limit: 10 }))[1]!
        expect(stored).toEqual(finished)
        expect(stored.products).toEqual([product])
        expect(stored.functionCalls).toEqual([call])
        expect(stored.suggestions).toEqual(["Size 42?", "¿Otros colores?"])
        // a finished reply takes no more parts
        const late = yield* Effect.flip(store.appendReplyText(reply.id, "!"))
        expect(late._tag).toBe("StoreError")
      }))

    it.effect.prop(
      "a reply split into any parts reads back as their concatenation",
      {
        text: fc.string({ unit: "binary", maxLength: 200 }).map((s) => s.replaceAll("\u0000", "")),
        cuts: fc.array(fc.nat(), { maxLength: 12 })
      },
      ({ cuts, text }) =>
        Effect.gen(function* () {
          const store = yield* ConversationStore
          const c = yield* openConversation()
          const reply = yield* startReply(c.id)
          const codePoints = Array.from(text)
          const points = [...new Set(cuts.map((n) => n % (codePoints.length + 1)))].sort((a, b) => a - b)
          let from = 0
          for (const to of [...points, codePoints.length]) {
            yield* store.appendReplyText(reply.id, codePoints.slice(from, to).join(""))
            from = to
          }
          const [stored] = yield* store.listMessages(c.id, { limit: 1 })
          expect(stored?.text).toBe(text)
        }),
      { fastCheck: { numRuns: 15 } }
    )

    it.effect("Unicode (CJK, emoji, RTL, combining marks) round-trips byte-exact", () =>
      Effect.gen(function* () {
        const store = yield* ConversationStore
        const c = yield* openConversation()
        for (const [i, text] of unicodeSamples.entries()) yield* say(c.id, text, `u${i}`)
        const reply = yield* startReply(c.id)
        for (const text of unicodeSamples) yield* store.appendReplyText(reply.id, text)
        const stored = yield* allMessages(c.id)
        for (const [i, text] of unicodeSamples.entries()) {
          expect(stored[i]!.text).toBe(text)
          expect(Buffer.from(stored[i]!.text, "utf8").equals(Buffer.from(text, "utf8"))).toBe(true)
        }
        expect(stored.at(-1)!.text).toBe(unicodeSamples.join(""))
      }))

    it.effect.prop(
      "any well-formed text without NUL round-trips",
      { text: fc.string({ unit: "binary", maxLength: 300 }).map((s) => s.replaceAll("\u0000", "")) },
      ({ text }) =>
        Effect.gen(function* () {
          const c = yield* openConversation()
          const { message } = yield* say(c.id, text)
          expect(message.text).toBe(text)
          expect((yield* allMessages(c.id))[0]?.text).toBe(text)
        }),
      { fastCheck: { numRuns: 25 } }
    )

    it.effect("a 64 KB message, and a 64 KB reply written in parts, round-trip", () =>
      Effect.gen(function* () {
        const store = yield* ConversationStore
        const c = yield* openConversation()
        const unit = "Ab1 你好 مرحبا 👟 e\u0301. "
        const big = unit.repeat(Math.ceil(65_536 / unit.length)).slice(0, 65_536)
        expect(big.length).toBe(65_536)
        const { message } = yield* say(c.id, big, "big")
        const reply = yield* startReply(c.id)
        for (let i = 0; i < big.length; i += 4096) yield* store.appendReplyText(reply.id, big.slice(i, i + 4096))
        const stored = yield* allMessages(c.id)
        expect(stored[0]?.text).toBe(big)
        expect(stored[0]?.id).toBe(message.id)
        expect(stored[1]?.text).toBe(big)
      }))

    it.effect("replies finished concurrently each end with their own outcome; a reply that does not exist fails alone", () =>
      Effect.gen(function* () {
        const store = yield* ConversationStore
        const conversations = yield* Effect.forEach(oneTo(4), () => openConversation())
        const replies = yield* Effect.forEach(conversations, (c, i) => Effect.map(sayAndStartReply(c.id, `question ${i}`), (turn) => Option.getOrThrow(turn.reply)))
        const missing = yield* Ids.newMessageId
        const outcome = (text: string) => ({ text, status: "complete" as const, functionCalls: [], products: [], suggestions: [`more ${text}?`] })
        const results = yield* Effect.forEach(
          [...replies.map((r, i) => ({ id: r.id, text: `answer ${i}` })), { id: missing, text: "lost" }],
          ({ id, text }) => Effect.either(store.finishReply(id, outcome(text))),
          { concurrency: "unbounded" }
        )
        replies.forEach((reply, i) => {
          const result = results[i]!
          expect(result._tag).toBe("Right")
          if (result._tag === "Right") expect(result.right).toMatchObject({ id: reply.id, conversationId: reply.conversationId, text: `answer ${i}`, status: "complete", suggestions: [`more answer ${i}?`] })
        })
        expect(results[4]!._tag).toBe("Left")
        for (const [i, c] of conversations.entries()) {
          const [, stored] = yield* allMessages(c.id)
          expect(stored).toMatchObject({ id: replies[i]!.id, text: `answer ${i}`, status: "complete" })
          const after = Option.getOrThrow(yield* store.getConversation(c.id))
          expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(stored!.updatedAt.getTime())
        }
      }))

    it.effect("appends and finishes racing over the same conversations all land, each conversation's in order", () =>
      Effect.gen(function* () {
        const store = yield* ConversationStore
        const conversations = yield* Effect.forEach(oneTo(8), () => openConversation())
        const rounds = 12
        let replies = yield* Effect.forEach(conversations, (c) => Effect.map(sayAndStartReply(c.id, "hi"), (turn) => Option.getOrThrow(turn.reply)))
        for (let round = 0; round < rounds; round++) {
          // This round's replies finish while every conversation's next turn is appended, in an order of its own each round.
          const order = [...conversations].sort((a, b) => ((a.id.charCodeAt(round % 20) * (round + 7)) % 31) - ((b.id.charCodeAt(round % 20) * (round + 7)) % 31))
          const [, next] = yield* Effect.all([
            Effect.forEach(replies, (r) => store.finishReply(r.id, { text: `done ${round}`, status: "complete", functionCalls: [], products: [], suggestions: [] }), { concurrency: "unbounded" }),
            Effect.forEach(order, (c) => Effect.map(sayAndStartReply(c.id, `round ${round}`), (turn) => Option.getOrThrow(turn.reply)), { concurrency: "unbounded" })
          ], { concurrency: "unbounded" })
          replies = next
        }
        for (const c of conversations) {
          const messages = yield* allMessages(c.id)
          expect(messages.map((m) => m.seq)).toEqual(oneTo(2 * (rounds + 1)))
          expect(messages.filter((m) => m.role === "bot" && m.status === "complete")).toHaveLength(rounds)
        }
      }).pipe(Effect.timeout("60 seconds")))

    it.effect("interruptStreamingReplies marks every streaming reply interrupted and leaves the rest", () =>
      Effect.gen(function* () {
        const store = yield* ConversationStore
        const a = yield* openConversation()
        const b = yield* openConversation()
        yield* say(a.id, "hello", "h")
        const replyA = yield* startReply(a.id)
        yield* store.appendReplyText(replyA.id, "Half a sen")
        const replyB = yield* startReply(b.id)
        const done = yield* startReply(b.id)
        yield* store.finishReply(done.id, { text: "done", status: "complete", functionCalls: [], products: [], suggestions: [] })
        const count = yield* store.interruptStreamingReplies
        expect(count).toBeGreaterThanOrEqual(2)
        const [visitorA, storedA] = yield* allMessages(a.id)
        expect(visitorA?.status).toBe("complete")
        expect(storedA).toMatchObject({ id: replyA.id, status: "interrupted", text: "Half a sen" })
        expect((yield* allMessages(b.id)).map((m) => m.status)).toEqual(["interrupted", "complete"])
        expect(yield* store.interruptStreamingReplies).toBe(0)
        expect(replyB.status).toBe("streaming")
      }))

    it.effect("deleteVisitorData removes one visitor's conversations in one shop, and nothing else", () =>
      Effect.gen(function* () {
        const store = yield* ConversationStore
        const shop = newShopId()
        const otherShop = newShopId()
        const visitor = newVisitorId()
        const other = newVisitorId()
        const mine1 = yield* openConversation(shop, visitor)
        const mine2 = yield* openConversation(shop, visitor)
        const sameVisitorOtherShop = yield* openConversation(otherShop, visitor)
        const otherVisitor = yield* openConversation(shop, other)
        for (const c of [mine1, mine2, sameVisitorOtherShop, otherVisitor]) {
          yield* say(c.id, "one")
          yield* say(c.id, "two")
        }
        yield* say(mine1.id, "three")
        expect(yield* store.deleteVisitorData(shop, visitor)).toEqual({ conversations: 2, messages: 5 })
        expect(yield* store.getConversation(mine1.id)).toEqual(Option.none())
        expect(yield* store.getConversation(mine2.id)).toEqual(Option.none())
        expect(yield* store.listMessages(mine1.id, { limit: 10 })).toEqual([])
        expect(yield* store.latestVisitorConversation(shop, visitor)).toEqual(Option.none())
        expect(Option.isSome(yield* store.getConversation(sameVisitorOtherShop.id))).toBe(true)
        expect(yield* allMessages(otherVisitor.id)).toHaveLength(2)
        expect((yield* store.searchConversations({ shopIds: [shop], limit: 10 })).items.map((s) => s.conversation.id)).toEqual([
          otherVisitor.id
        ])
        expect(yield* store.deleteVisitorData(shop, visitor)).toEqual({ conversations: 0, messages: 0 })
      }))

    it.effect("deleteIdleConversations removes the shop's conversations idle since before the date", () =>
      Effect.gen(function* () {
        const store = yield* ConversationStore
        const shop = newShopId()
        const otherShop = newShopId()
        const old = yield* openConversation(shop)
        yield* say(old.id, "old")
        const oldElsewhere = yield* openConversation(otherShop)
        const revived = yield* openConversation(shop)
        yield* TestClock.adjust("10 days")
        yield* say(revived.id, "still here")
        const fresh = yield* openConversation(shop)
        const cutoff = new Date(fresh.createdAt.getTime() - 5 * 86_400_000)
        expect(yield* store.deleteIdleConversations(shop, cutoff)).toEqual({ conversations: 1, messages: 1 })
        expect(yield* store.getConversation(old.id)).toEqual(Option.none())
        for (const c of [oldElsewhere, revived, fresh]) expect(Option.isSome(yield* store.getConversation(c.id))).toBe(true)
      }))

    searchContract(it)
  })
