import type { Shop } from "@chatbot-node/domain"

/** How a visitor socket's `Origin` is judged. */
export interface OriginOptions {
  /** This server's own origin (its pages may always connect). */
  readonly ownOrigin?: string | undefined
  /** A shop that lists no origins accepts any (development); else only its own and the server's. */
  readonly openWhenUnconfigured: boolean
}

const normalise = (origin: string) => origin.trim().replace(/\/+$/, "").toLowerCase()

/**
 * Whether a handshake from `origin` may act for `shop`. A client without an Origin (not a
 * browser: an app, a test, a server) is let through: the visitor token is its credential.
 */
export const allows = (shop: Shop.Shop, origin: string | undefined, options: OriginOptions): boolean => {
  if (origin === undefined || origin === "") return true
  const asked = normalise(origin)
  if (options.ownOrigin !== undefined && normalise(options.ownOrigin) === asked) return true
  if (shop.allowedOrigins.length === 0) return options.openWhenUnconfigured
  return shop.allowedOrigins.some((allowed) => allowed === "*" || normalise(allowed) === asked)
}
