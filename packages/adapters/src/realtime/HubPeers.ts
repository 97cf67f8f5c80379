/**
 * Presence on a hub's NOTIFY channel: which other instances listen there. Presence messages are
 * `~hello|<sender>` (sent on LISTEN, answered at once by a `~here`), `~here|<sender>` (also sent
 * every presence interval) and `~bye|<sender>` (on close). They start with `~`, which no event
 * payload does (those start with a sender token of `[A-Za-z0-9_-]`, see NotifyChunks), so the
 * first character tells them apart.
 */

export type Kind = "hello" | "here" | "bye"

/** A presence message from one sender. */
export interface Presence {
  readonly kind: Kind
  readonly sender: string
}

export const format = (kind: Kind, sender: string): string => `~${kind}|${sender}`

/** Whether a payload is a presence message (or garbage starting like one) rather than an event. */
export const isPresence = (payload: string): boolean => payload.charCodeAt(0) === 126

const pattern = /^~(hello|here|bye)\|([^|]{1,64})$/

/** The presence message in a payload, or undefined for anything else. */
export const parse = (payload: string): Presence | undefined => {
  const match = pattern.exec(payload)
  return match === null ? undefined : { kind: match[1] as Kind, sender: match[2]! }
}

/** The other instances heard from; each counts as listening for `ttlMs` after it was last heard. */
export interface Peers {
  /** Records a presence message of another sender (a `bye` forgets it). */
  readonly heard: (presence: Presence, now: number) => void
  /** Whether some other instance was heard within `ttlMs`; forgets those that were not. */
  readonly any: (now: number) => boolean
}

export const makePeers = (ttlMs: number): Peers => {
  const lastSeen = new Map<string, number>()
  return {
    heard: ({ kind, sender }, now) => {
      if (kind === "bye") lastSeen.delete(sender)
      else lastSeen.set(sender, now)
    },
    any: (now) => {
      for (const [sender, seen] of lastSeen) {
        if (now - seen <= ttlMs) return true
        lastSeen.delete(sender)
      }
      return false
    }
  }
}
