import type { Shop } from "../model/Shop.js"

/** How a browser's `Origin` is judged, besides the shop's own list. */
export interface OriginRules {
  /** This server's own origin (its pages may always call it). */
  readonly ownOrigin?: string | undefined
  /** A shop that lists no origins accepts any (development); else only its own and the server's. */
  readonly openWhenUnconfigured: boolean
}

/** An origin as compared: trimmed, lower-case, no trailing slash. */
export const normalise = (origin: string): string => origin.trim().replace(/\/+$/, "").toLowerCase()

/**
 * Whether a page at `origin` may act for `shop` (call the API, open a socket). A client without an
 * Origin (not a browser: an app, a test, a server) is let through: its token is its credential.
 */
export const allows = (shop: Shop, origin: string | undefined, rules: OriginRules): boolean => {
  if (origin === undefined || origin === "") return true
  const asked = normalise(origin)
  if (rules.ownOrigin !== undefined && normalise(rules.ownOrigin) === asked) return true
  if (shop.allowedOrigins.length === 0) return rules.openWhenUnconfigured
  return shop.allowedOrigins.some((allowed) => allowed === "*" || normalise(allowed) === asked)
}
