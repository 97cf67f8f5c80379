/** A per-socket rate limit: `capacity` events at once, refilled at `perSecond`. */
export interface TokenBucket {
  /** Takes one token at time `now` (ms); false when the socket is over its limit. */
  readonly take: (now: number) => boolean
  /** Seconds until a token is available again. */
  readonly waitSeconds: () => number
}

/** The limit every socket gets unless configured: bursts of 20 events, 5 per second after that. */
export const defaultRate = { capacity: 20, perSecond: 5 } as const

export const make = (rate: { readonly capacity: number; readonly perSecond: number } = defaultRate): TokenBucket => {
  let tokens = rate.capacity
  let last = -1
  return {
    take: (now) => {
      if (last >= 0) tokens = Math.min(rate.capacity, tokens + ((now - last) / 1000) * rate.perSecond)
      last = now
      if (tokens < 1) return false
      tokens -= 1
      return true
    },
    waitSeconds: () => Math.max(1, Math.ceil((1 - tokens) / rate.perSecond))
  }
}
