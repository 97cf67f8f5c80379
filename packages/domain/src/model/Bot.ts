import { Schema } from "effect"
import { BotId } from "./Ids.js"
import { Locale } from "./Locale.js"

/** Where a bot runs. */
export const BotProvider = Schema.Literal("coze", "demo")
export type BotProvider = typeof BotProvider.Type

/** A bot a shop may route visitors to. */
export class Bot extends Schema.Class<Bot>("Bot")({
  id: BotId,
  name: Schema.String,
  provider: BotProvider,
  description: Schema.optionalWith(Schema.String, { default: () => "" }),
  published: Schema.optionalWith(Schema.Boolean, { default: () => true })
}) {}

/** What decides that a rule applies; every given condition must hold. */
export class RoutingCondition extends Schema.Class<RoutingCondition>("RoutingCondition")({
  locales: Schema.optional(Schema.Array(Locale)),
  /** Any of these words or phrases, matched case-insensitively in the visitor's message. */
  keywords: Schema.optional(Schema.Array(Schema.String.pipe(Schema.minLength(1)))),
  /** The page the visitor is on starts with this path. */
  pathPrefix: Schema.optional(Schema.String),
  /** The product or category the visitor is looking at. */
  productIds: Schema.optional(Schema.Array(Schema.String)),
  categories: Schema.optional(Schema.Array(Schema.String))
}) {}

/** Send matching messages to `botId`; higher `priority` wins, ties go to the earlier rule. */
export class RoutingRule extends Schema.Class<RoutingRule>("RoutingRule")({
  botId: BotId,
  priority: Schema.optionalWith(Schema.Number.pipe(Schema.int()), { default: () => 0 }),
  when: RoutingCondition
}) {}
