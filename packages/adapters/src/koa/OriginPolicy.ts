import { type Errors, type Shop, ShopDirectory, ShopOrigins } from "@chatbot-node/domain"
import { Context, Duration, Effect, Layer } from "effect"

/** Options of the HTTP origin policy. */
export interface OriginPolicyOptions {
  /** This server's own origin (`PUBLIC_URL`): its pages may always call the API. */
  readonly ownOrigin: string
  /** A shop that lists no origins accepts any (development); else only its own. */
  readonly openWhenUnconfigured: boolean
}

const { normalise } = ShopOrigins

/** Whether a browser page at `origin` may call the API for `shop`: the domain's rule. */
export const allows = (shop: Shop.Shop, origin: string | undefined, options: OriginPolicyOptions): boolean =>
  ShopOrigins.allows(shop, origin, options)

/** Whether a page at `origin` may call the API for some shop, given the origins the shops list (`knownOrigins`). */
export const allowsSome = (options: OriginPolicyOptions, known: ReadonlyArray<string>, origin: string): boolean => {
  const asked = normalise(origin)
  return asked === normalise(options.ownOrigin) || known.includes("*") || known.includes(asked)
}

/**
 * Which web origins may call the API (CORS) and frame the server's pages (CSP `frame-ancestors`):
 * per shop, from its `allowedOrigins`. The union over the stored shops is cached for a minute.
 */
export class OriginPolicy extends Context.Tag("@chatbot-node/adapters/OriginPolicy")<OriginPolicy, {
  readonly options: OriginPolicyOptions
  /** Every origin some stored shop lists; `"*"` when any origin may be allowed (development). */
  readonly knownOrigins: Effect.Effect<ReadonlyArray<string>, Errors.StoreError>
}>() {}

/** Builds the policy on the shop directory. */
export const make = (options: OriginPolicyOptions) =>
  Effect.gen(function*() {
    const shops = yield* ShopDirectory
    const cached = yield* Effect.cachedWithTTL(shops.listShops, Duration.minutes(1))
    const knownOrigins = Effect.map(cached, (list) =>
      options.openWhenUnconfigured ? ["*"] : [...new Set(list.flatMap((s) => s.allowedOrigins.map(normalise)))])
    return OriginPolicy.of({
      options,
      knownOrigins
    })
  })

/** The policy as a layer. */
export const layer = (options: OriginPolicyOptions): Layer.Layer<OriginPolicy, never, ShopDirectory> =>
  Layer.effect(OriginPolicy, make(options))
