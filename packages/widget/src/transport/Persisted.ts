/** A message the visitor wrote that the server has not yet accepted (offline, or in flight). */
export interface Outgoing {
  readonly clientMessageId: string
  readonly text: string
  readonly at: string
}

/** A reply that was streaming when the page went away: enough to resume it. */
export interface PendingTurn {
  readonly messageId: string
  readonly replyId: string | undefined
  readonly clientMessageId: string
}

/** What the widget keeps per shop in localStorage so that a reload continues the same conversation. */
export interface PersistedState {
  token?: string | undefined
  visitorId?: string | undefined
  identity?: string | undefined
  conversationId?: string | undefined
  locale?: string | undefined
  pending?: PendingTurn | undefined
  outbox: Array<Outgoing>
}

const keyOf = (shopId: string) => `chatbot-node:${shopId}`

/** Reads the shop's state (an empty one when storage is unavailable or holds something else). */
export const load = (shopId: string): PersistedState => {
  try {
    const raw = JSON.parse(localStorage.getItem(keyOf(shopId)) ?? "{}") as unknown
    if (typeof raw !== "object" || raw === null) return { outbox: [] }
    const state = raw as PersistedState
    const str = (u: unknown) => (typeof u === "string" ? u : undefined)
    const outbox = Array.isArray(state.outbox)
      ? state.outbox.filter((o) => typeof o?.clientMessageId === "string" && typeof o.text === "string" && typeof o.at === "string")
      : []
    const p = state.pending
    const pending = typeof p?.messageId === "string" && typeof p.clientMessageId === "string"
      ? { messageId: p.messageId, replyId: str(p.replyId), clientMessageId: p.clientMessageId }
      : undefined
    return { token: str(state.token), visitorId: str(state.visitorId), identity: str(state.identity), conversationId: str(state.conversationId), locale: str(state.locale), pending, outbox }
  } catch {
    return { outbox: [] }
  }
}

/** Writes the shop's state (ignored when storage is full or blocked). */
export const save = (shopId: string, state: PersistedState): void => {
  try {
    localStorage.setItem(keyOf(shopId), JSON.stringify(state))
  } catch {
    // private mode or quota: the conversation then lasts as long as the page
  }
}
