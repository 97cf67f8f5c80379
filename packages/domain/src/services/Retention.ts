import { Clock, Effect, Option } from "effect"
import type { StoreError } from "../model/Errors.js"
import type { ShopId } from "../model/Ids.js"
import type { Shop } from "../model/Shop.js"
import { ConversationStore, type Deleted } from "../ports/ConversationStore.js"
import { ShopDirectory } from "../ports/ShopDirectory.js"

const dayMs = 86_400_000

/** What one retention pass removed from one shop. */
export interface ShopRetention {
  readonly shopId: ShopId
  readonly cutoff: Date
  readonly deleted: Deleted
}

/** The instant before which a shop's idle conversations expire; none when it keeps them forever. */
export const cutoff = (shop: Shop, now: Date): Option.Option<Date> =>
  Option.map(shop.retentionDays, (days) => new Date(now.getTime() - days * dayMs))

/**
 * One retention pass: for every shop with `retentionDays`, deletes its conversations idle for
 * longer than that. Run it on a schedule (e.g. `Effect.repeat(Retention.apply, Schedule.spaced("1 hour"))`).
 */
export const apply: Effect.Effect<ReadonlyArray<ShopRetention>, StoreError, ShopDirectory | ConversationStore> = Effect.gen(
  function*() {
    const shops = yield* ShopDirectory
    const store = yield* ConversationStore
    const now = new Date(yield* Clock.currentTimeMillis)
    const results: Array<ShopRetention> = []
    for (const shop of yield* shops.listShops) {
      const before = cutoff(shop, now)
      if (Option.isNone(before)) continue
      const deleted = yield* store.deleteIdleConversations(shop.id, before.value)
      results.push({ shopId: shop.id, cutoff: before.value, deleted })
    }
    return results
  }
).pipe(Effect.withSpan("Retention.apply"))
