import { Option, Schema } from "effect"
import { Bot, RoutingRule } from "./Bot.js"
import { BotId, ShopId } from "./Ids.js"
import { Locale } from "./Locale.js"

/** A shop's chat settings: its bots and how to route to them, where its widget may run, its limits. */
export class Shop extends Schema.Class<Shop>("Shop")({
  id: ShopId,
  name: Schema.String,
  defaultLocale: Locale,
  /** Origins (`https://shop.example`) whose pages may embed the widget and call the API. */
  allowedOrigins: Schema.Array(Schema.String),
  /** The bots this shop allows; a client may request only one of these. */
  bots: Schema.Array(Bot),
  /** The bot that answers when no rule matches. Must be one of `bots`. */
  defaultBotId: BotId,
  routingRules: Schema.optionalWith(Schema.Array(RoutingRule), { default: () => [] }),
  /** Accept a bare `userId` from the client instead of a signed visitor token (the seed's API). */
  allowAnonymousUserId: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  /** Delete conversations idle for longer than this many days; none keeps them forever. */
  retentionDays: Schema.optionalWith(Schema.Number.pipe(Schema.int(), Schema.positive()), { as: "Option" })
}) {}

export const findBot = (shop: Shop, botId: BotId): Option.Option<Bot> =>
  Option.fromNullable(shop.bots.find((bot) => bot.id === botId))
