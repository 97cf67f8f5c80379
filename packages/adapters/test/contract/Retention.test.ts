import { MemoryConversationStore, MemoryShopDirectory } from "@chatbot-node/adapters/memory"
import { ConversationStore, Retention } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, TestClock } from "effect"
import { newShopId, openConversation, say } from "./fixtures.js"
import { sampleShop } from "./ShopDirectoryContract.js"

const strict = sampleShop(newShopId(), { retentionDays: Option.some(30) })
const lenient = sampleShop(newShopId(), { retentionDays: Option.some(365) })
const forever = sampleShop(newShopId(), { retentionDays: Option.none() })
const stores = Layer.merge(MemoryConversationStore.layer, MemoryShopDirectory.layer([strict, lenient, forever]))

describe("Retention", () => {
  it.effect("cutoff is now minus the shop's retentionDays, none when it keeps conversations forever", () =>
    Effect.sync(() => {
      const now = new Date("2026-03-31T12:00:00Z")
      expect(Retention.cutoff(strict, now)).toEqual(Option.some(new Date("2026-03-01T12:00:00Z")))
      expect(Retention.cutoff(forever, now)).toEqual(Option.none())
    }))

  it.effect("apply deletes each shop's conversations idle longer than its retentionDays, and nothing else", () =>
    Effect.gen(function* () {
      const store = yield* ConversationStore
      const oldStrict = yield* openConversation(strict.id)
      yield* say(oldStrict.id, "old")
      const oldLenient = yield* openConversation(lenient.id)
      const oldForever = yield* openConversation(forever.id)
      const revived = yield* openConversation(strict.id)
      yield* TestClock.adjust("40 days")
      yield* say(revived.id, "still talking")
      const recent = yield* openConversation(strict.id)

      const results = yield* Retention.apply
      expect(results.map((r) => [r.shopId, r.deleted])).toEqual(
        [
          [strict.id, { conversations: 1, messages: 1 }],
          [lenient.id, { conversations: 0, messages: 0 }]
        ].sort(([a], [b]) => (String(a) < String(b) ? -1 : 1))
      )
      expect(yield* store.getConversation(oldStrict.id)).toEqual(Option.none())
      for (const c of [oldLenient, oldForever, revived, recent]) expect(Option.isSome(yield* store.getConversation(c.id))).toBe(true)
      expect(yield* Retention.apply).toEqual(results.map((r) => ({ ...r, deleted: { conversations: 0, messages: 0 } })))
    }).pipe(Effect.provide(stores)))
})
