import { ConversationStore, Errors } from "@chatbot-node/domain"
import type { ConversationSearch, Ids } from "@chatbot-node/domain"
import { expect, type Vitest } from "@effect/vitest"
import { Clock, Effect, Fiber, Option, TestClock } from "effect"
import { newShopId, newVisitorId, oneTo, openConversation, say } from "./fixtures.js"

/** Every page of a search, following nextCursor; conversation ids in order. */
const searchAll = (search: Omit<ConversationSearch, "cursor">) =>
  Effect.gen(function* () {
    const store = yield* ConversationStore
    const ids: Array<Ids.ConversationId> = []
    let cursor: string | undefined
    for (;;) {
      const page = yield* store.searchConversations({ ...search, cursor })
      expect(page.items.length).toBeLessThanOrEqual(search.limit)
      ids.push(...page.items.map((s) => s.conversation.id))
      if (Option.isNone(page.nextCursor)) return ids
      cursor = page.nextCursor.value
      yield* Effect.yieldNow()
    }
  })

/** The admin search part of the ConversationStore contract. */
export const searchContract = (it: Vitest.MethodsNonLive<ConversationStore>) => {
  it.effect("search filters by shop, visitor, status, date and text, newest first, with last message", () =>
    Effect.gen(function* () {
      const store = yield* ConversationStore
      const shopA = newShopId()
      const shopB = newShopId()
      const v1 = newVisitorId()
      const v2 = newVisitorId()
      const t0 = yield* Clock.currentTimeMillis
      const a1 = yield* openConversation(shopA, v1)
      yield* say(a1.id, "Do you have ZAPATOS rojos?")
      yield* say(a1.id, "size 42")
      yield* TestClock.adjust("1 hour")
      const a2 = yield* openConversation(shopA, v2)
      yield* say(a2.id, "discount 100% off? price_list please")
      yield* TestClock.adjust("1 hour")
      const a3 = yield* openConversation(shopA, v1)
      yield* TestClock.adjust("1 hour")
      const b1 = yield* openConversation(shopB, v1)
      yield* say(b1.id, "zapatos azules")
      yield* TestClock.adjust("1 hour")
      yield* store.updateConversation(a2.id, { status: "waiting-for-agent" })
      const hour = 3_600_000

      expect(yield* searchAll({ shopIds: [shopA], limit: 10 })).toEqual([a2.id, a3.id, a1.id])
      expect(yield* searchAll({ shopIds: [shopA, shopB], limit: 10 })).toEqual([a2.id, b1.id, a3.id, a1.id])
      expect(yield* searchAll({ shopIds: [shopA], visitorId: v1, limit: 10 })).toEqual([a3.id, a1.id])
      expect(yield* searchAll({ visitorId: v1, limit: 10 })).toEqual([b1.id, a3.id, a1.id])
      expect(yield* searchAll({ shopIds: [shopA], status: "waiting-for-agent", limit: 10 })).toEqual([a2.id])
      // active at or after `from`: last activity >= from; before `to`: created < to
      expect(yield* searchAll({ shopIds: [shopA, shopB], from: new Date(t0 + 2 * hour), limit: 10 })).toEqual([a2.id, b1.id, a3.id])
      expect(yield* searchAll({ shopIds: [shopA, shopB], to: new Date(t0 + hour), limit: 10 })).toEqual([a1.id])
      expect(
        yield* searchAll({ shopIds: [shopA, shopB], from: new Date(t0 + hour), to: new Date(t0 + 2 * hour + 1), limit: 10 })
      ).toEqual([a2.id, a3.id])
      expect(yield* searchAll({ shopIds: [shopA, shopB], text: "zapatos", limit: 10 })).toEqual([b1.id, a1.id])
      expect(yield* searchAll({ shopIds: [shopA, shopB], text: "ZAPATOS ROJOS", limit: 10 })).toEqual([a1.id])
      // LIKE's wildcards are literal characters in a search
      expect(yield* searchAll({ shopIds: [shopA, shopB], text: "100%", limit: 10 })).toEqual([a2.id])
      expect(yield* searchAll({ shopIds: [shopA, shopB], text: "0% o", limit: 10 })).toEqual([a2.id])
      expect(yield* searchAll({ shopIds: [shopA, shopB], text: "e_l", limit: 10 })).toEqual([a2.id])
      expect(yield* searchAll({ shopIds: [shopA, shopB], text: "s%e", limit: 10 })).toEqual([])
      expect(yield* searchAll({ shopIds: [shopA, shopB], text: "z_patos", limit: 10 })).toEqual([])

      const page = yield* store.searchConversations({ shopIds: [shopA], limit: 10 })
      expect(page.items.map((s) => [s.conversation.id, s.lastMessageText])).toEqual([
        [a2.id, Option.some("discount 100% off? price_list please")],
        [a3.id, Option.none()],
        [a1.id, Option.some("size 42")]
      ])
      expect(page.items[0]?.conversation.status).toBe("waiting-for-agent")
      expect(page.nextCursor).toEqual(Option.none())
    }))

  it.effect("search pages with cursors: every match once, in order, also on equal timestamps", () =>
    Effect.gen(function* () {
      const shop = newShopId()
      // 23 conversations at the same instant (order then falls to the id) and 7 later ones
      const same = yield* Effect.forEach(oneTo(23), () => openConversation(shop), { concurrency: 4 })
      const later: Array<Ids.ConversationId> = []
      for (const _ of oneTo(7)) {
        yield* TestClock.adjust("1 second")
        later.unshift((yield* openConversation(shop)).id)
      }
      const byId = same.map((c) => c.id).sort((a, b) => (a < b ? 1 : -1))
      const expected = [...later, ...byId]
      for (const limit of [1, 4, 7, 30, 100]) expect(yield* searchAll({ shopIds: [shop], limit })).toEqual(expected)
    }))

  it.effect("search paging never skips or repeats while new conversations arrive", () =>
    Effect.gen(function* () {
      const shop = newShopId()
      const existing = new Set<string>()
      for (const _ of oneTo(25)) {
        existing.add((yield* openConversation(shop)).id)
        if (existing.size % 5 === 0) yield* TestClock.adjust("1 second")
      }
      const creator = yield* Effect.fork(
        Effect.forEach(oneTo(15), () => Effect.zipRight(openConversation(shop), Effect.yieldNow()), { concurrency: 2 })
      )
      const seen = yield* searchAll({ shopIds: [shop], limit: 4 })
      yield* Fiber.join(creator)
      expect(new Set(seen).size).toBe(seen.length)
      for (const id of existing) expect(seen).toContain(id)
    }))

  it.effect("a cursor the store did not issue is InvalidCursor", () =>
    Effect.gen(function* () {
      const store = yield* ConversationStore
      for (const cursor of ["garbage", "", "eyJ4IjoxfQ", Buffer.from("[1,\"short\"]").toString("base64url")]) {
        const error = yield* Effect.flip(store.searchConversations({ limit: 5, cursor }))
        expect(error).toBeInstanceOf(Errors.InvalidCursor)
      }
    }))
}
