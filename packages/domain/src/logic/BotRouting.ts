import { Either, Option } from "effect"
import type { RoutingCondition, RoutingRule } from "../model/Bot.js"
import { BotNotAllowed, NoBotConfigured } from "../model/Errors.js"
import type { BotId } from "../model/Ids.js"
import type { Locale } from "../model/Locale.js"
import type { Shop } from "../model/Shop.js"

/** Where the visitor is when they write, as the widget reports it. */
export interface RoutingContext {
  readonly path?: string | undefined
  readonly productId?: string | undefined
  readonly category?: string | undefined
}

/** What routing looks at: the bot a client asked for, the conversation's locale, the message and the page. */
export interface RoutingRequest {
  readonly requestedBotId: Option.Option<BotId>
  readonly locale: Locale
  readonly text: string
  readonly context: RoutingContext
}

const fold = (text: string): string => text.normalize("NFKC").toLowerCase()

const given = <A>(list: ReadonlyArray<A> | undefined): list is ReadonlyArray<A> =>
  list !== undefined && list.length > 0

/**
 * Whether every condition a rule gives holds for the request. An absent condition, or an empty
 * list, does not constrain; keywords match as case-insensitive substrings (after NFKC, so that
 * full-width letters match too), the path by prefix, product ids and categories exactly.
 */
export const matches = (when: RoutingCondition, request: RoutingRequest): boolean => {
  const { context } = request
  if (given(when.locales) && !when.locales.includes(request.locale)) return false
  if (given(when.keywords)) {
    const text = fold(request.text)
    if (!when.keywords.some((keyword) => text.includes(fold(keyword)))) return false
  }
  if (when.pathPrefix !== undefined && when.pathPrefix !== "") {
    if (context.path === undefined || !context.path.startsWith(when.pathPrefix)) return false
  }
  if (given(when.productIds)) {
    if (context.productId === undefined || !when.productIds.includes(context.productId)) return false
  }
  if (given(when.categories)) {
    if (context.category === undefined || !when.categories.includes(context.category)) return false
  }
  return true
}

const isAllowed = (shop: Shop, botId: BotId): boolean => shop.bots.some((bot) => bot.id === botId)

/** The matching rule (with an allowed bot) of highest priority, the earliest one on ties. */
export const bestRule = (shop: Shop, request: RoutingRequest): Option.Option<RoutingRule> => {
  let best: RoutingRule | undefined
  for (const rule of shop.routingRules) {
    if (best !== undefined && rule.priority <= best.priority) continue
    if (isAllowed(shop, rule.botId) && matches(rule.when, request)) best = rule
  }
  return Option.fromNullable(best)
}

/**
 * The bot that answers a message: the requested bot if the shop allows it (else `BotNotAllowed`),
 * otherwise the bot of the best matching rule, otherwise the shop's default bot if it is one of
 * its bots (else `NoBotConfigured`). Pure and total.
 */
export const route = (shop: Shop, request: RoutingRequest): Either.Either<BotId, BotNotAllowed | NoBotConfigured> => {
  if (Option.isSome(request.requestedBotId)) {
    const botId = request.requestedBotId.value
    return isAllowed(shop, botId) ? Either.right(botId) : Either.left(new BotNotAllowed({ shopId: shop.id, botId }))
  }
  const rule = bestRule(shop, request)
  if (Option.isSome(rule)) return Either.right(rule.value.botId)
  return isAllowed(shop, shop.defaultBotId)
    ? Either.right(shop.defaultBotId)
    : Either.left(new NoBotConfigured({ shopId: shop.id }))
}
