import { Bot, Ids, Shop, ShopDirectory } from "@chatbot-node/domain"
import { DemoCatalog } from "@chatbot-node/adapters/catalog/demo"
import { Effect, Layer, Option } from "effect"
import type { ServerSettings } from "./Config.js"

/** The settings a shop without its own configuration gets: the demo bot, or the one Coze bot. */
export const defaultShop = (settings: ServerSettings, id: Ids.ShopId): Shop.Shop => {
  const demo = DemoCatalog.demoShop(id)
  if (settings.bot._tag === "Demo") return new Shop.Shop({ ...demo, allowAnonymousUserId: settings.anonymousUserIds })
  const bot = new Bot.Bot({ id: settings.bot.botId, name: "Shop assistant", provider: "coze" })
  return new Shop.Shop({ ...demo, name: `Shop ${id}`, bots: [bot], defaultBotId: bot.id, allowAnonymousUserId: settings.anonymousUserIds })
}

/**
 * Wraps the stored ShopDirectory: a configured shop is served as stored; any other id gets the
 * default settings when SHOP_IDS lists it (or, when SHOP_IDS is unset, outside production).
 */
export const layer = (settings: ServerSettings): Layer.Layer<ShopDirectory, never, ShopDirectory> =>
  Layer.effect(
    ShopDirectory,
    Effect.map(ShopDirectory, (stored) => {
      const served = (id: Ids.ShopId) =>
        Option.match(settings.shopIds, { onNone: () => settings.nodeEnv !== "production", onSome: (ids) => ids.includes(id) })
      return {
        ...stored,
        getShop: (id) =>
          stored.getShop(id).pipe(
            Effect.map((found) => (Option.isSome(found) || !served(id) ? found : Option.some(defaultShop(settings, id))))
          )
      } satisfies ShopDirectory.Service
    })
  )
