import type { Mount, PanelHandle } from "./contract.js"
import { t, type StringKey, type WidgetLocale } from "./i18n/strings.js"
import { fromTag } from "./i18n/locale.js"
import { ApiError, makeApi, type ChatRequest } from "./transport/Api.js"
import * as Persisted from "./transport/Persisted.js"
import type { WireEvent, WireMessage } from "./transport/wire.js"
import { makePanel, type Bubble, type Role } from "./ui/Panel.js"
import { panelCss } from "./ui/styles.js"

/** The panel's styles, adopted by the loader's shadow root. */
export const css = panelCss

/** The longest message the server takes, in characters. */
const maxLength = 4000

const errorKeys: Record<string, StringKey> = {
  rate_limited: "rateLimited",
  bot_unavailable: "unavailable",
  bot_busy: "busy",
  message_too_long: "tooLong"
}

const randomId = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return `w-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`
}

/**
 * The chat panel: builds the view, keeps the conversation across reloads (per shop), sends
 * messages through an outbox that survives going offline, streams replies (resuming a dropped
 * stream with Last-Event-ID), and follows agents' messages and handoff on the events stream.
 */
export const mount: Mount = (host, config) => {
  let state = Persisted.load(config.shopId)
  let locale: WidgetLocale = fromTag(state.locale) ?? config.locale
  const api = makeApi(config.apiBase, () => state.token)
  const save = () => Persisted.save(config.shopId, state)
  const bubbles = new Map<string, Bubble>()
  let lastSeq = 0
  let online = navigator.onLine
  let started = false
  let flushing = false
  let events: AbortController | undefined
  let wake: Array<() => void> = []
  let conversationStatus = "bot"

  const view = makePanel(host.frame, locale, {
    submit: (text) => submit(text),
    close: () => handle.close(),
    locale: (l) => handle.setLocale(l),
    human: () => void requestHuman(),
    typing: () => typing()
  }, { cart: config.cart === true })
  if (locale !== config.locale) host.onLocale(locale)

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        wake = wake.filter((w) => w !== done)
        resolve()
      }
      wake.push(done)
    })
  const setOnline = (value: boolean) => {
    online = value
    view.setStatus(value ? undefined : "offline")
    if (value) {
      for (const w of wake.slice()) w()
      void flush()
      followEvents()
    }
  }
  addEventListener("online", () => setOnline(true))
  addEventListener("offline", () => setOnline(false))

  const showError = (code: string, fallback: string) => {
    const key = errorKeys[code]
    view.setError(key === undefined ? fallback || t(locale, "error") : t(locale, key, { max: maxLength }))
  }
  const updateHuman = () => view.setHuman(state.conversationId !== undefined && conversationStatus === "bot")
  const setStatus = (status: string) => {
    conversationStatus = status
    view.setSubtitle(status === "waiting-for-agent" || status === "agent" ? "humanRequested" : "subtitle")
    updateHuman()
  }

  /** Shows a stored message once (keyed by its client id or id); a known one is brought up to date. */
  const showMessage = (m: WireMessage) => {
    lastSeq = Math.max(lastSeq, m.seq)
    const key = m.role === "visitor" ? m.clientMessageId ?? m.id : m.id
    const existing = bubbles.get(key)
    if (m.role === "bot" && m.status === "streaming") return
    const bubble = existing ?? view.add(m.role as Role, new Date(m.createdAt))
    bubbles.set(key, bubble)
    if (m.role === "visitor" && existing !== undefined) return bubble.setState("sent")
    bubble.setText(m.text)
    if (m.products.length > 0) bubble.setProducts(m.products)
    bubble.setState(m.status === "failed" ? "failed" : "done")
    if (m.status === "interrupted" && m.text === "") bubble.note("interrupted")
  }

  // One session request at a time: typing may have asked for one that a message then waits for.
  let sessionRequest: Promise<void> | undefined
  const ensureSession = () => {
    if (state.token !== undefined) return Promise.resolve()
    sessionRequest ??= api.session(config.shopId).then((session) => {
      state = { ...state, token: session.token, visitorId: session.visitorId }
      save()
    }).finally(() => { sessionRequest = undefined })
    return sessionRequest
  }
  // While the visitor types, at most every 3 s: a new visitor's session is made (its first message no
  // longer waits for it), else the server is told, so that the bot's connection is warm for the message.
  let typedAt = -Infinity
  const typing = () => {
    const now = Date.now()
    if (now - typedAt < 3000 || !online) return
    typedAt = now
    void (state.token === undefined ? ensureSession() : api.typing(config.shopId, state.conversationId)).catch(() => {})
  }
  /** Forgets a token the server no longer accepts (expired, rotated secret), and its conversation. */
  const forget = () => {
    state = { ...state, token: undefined, visitorId: undefined, conversationId: undefined, pending: undefined }
    save()
  }

  /**
   * Follows one turn to its `done`: sends the message (or resumes after `lastEventId`), and after
   * a dropped connection resumes where it left off, waiting while offline. Resolves when done.
   */
  const runTurn = async (request: ChatRequest, lastEventId: string | undefined, onRefused: (e: ApiError) => void) => {
    let lastId = lastEventId
    let reply: Bubble | undefined
    let replyId = state.pending?.clientMessageId === request.clientMessageId ? state.pending.replyId : undefined
    let text = ""
    let finished = false
    let attempt = 0
    const replyBubble = () => {
      if (reply === undefined && replyId !== undefined) {
        reply = bubbles.get(replyId) ?? view.add("bot", new Date())
        bubbles.set(replyId, reply)
        reply.setState("streaming")
      }
      return reply
    }
    if (lastId !== undefined) replyBubble()
    const onEvent = (id: string | undefined, e: WireEvent) => {
      if (id !== undefined) lastId = id
      attempt = 0
      switch (e._tag) {
        case "started": {
          replyId = e.replyId ?? undefined
          state = { ...state, conversationId: e.conversationId, outbox: state.outbox.filter((o) => o.clientMessageId !== request.clientMessageId), pending: { messageId: e.messageId, replyId, clientMessageId: request.clientMessageId } }
          save()
          bubbles.get(request.clientMessageId)?.setState("sent")
          updateHuman()
          followEvents()
          if (replyId !== undefined) view.setTyping(true)
          return
        }
        case "delta": {
          view.setTyping(false)
          text += e.text
          replyBubble()?.setText(text)
          return
        }
        case "products":
          return replyBubble()?.setProducts(e.products)
        case "suggestions":
          return view.setSuggestions(e.suggestions)
        case "message":
          if (e.message.id === replyId) {
            text = e.message.text
            replyBubble()?.setText(text)
            if (e.message.products.length > 0) reply?.setProducts(e.message.products)
          }
          return showMessage(e.message)
        case "error":
          showError(e.code, e.message)
          if (view.input.value === "") view.input.value = request.message
          return
        case "done": {
          finished = true
          view.setTyping(false)
          const bubble = replyBubble()
          if (bubble !== undefined) {
            bubble.setState(e.status === "failed" ? "failed" : "done")
            if (bubble.text === "") e.status === "failed" ? bubble.remove() : bubble.note("interrupted")
          }
          state = { ...state, pending: undefined }
          save()
          return
        }
      }
    }
    for (;;) {
      try {
        await api.chat(request, onEvent, lastId)
        if (finished) return
      } catch (error) {
        if (!(error instanceof ApiError)) throw error
        if (error.failure.kind === "refused") {
          if (error.failure.status === 401) {
            forget()
            await ensureSession()
            continue
          }
          if (lastId !== undefined && error.failure.status === 404) {
            state = { ...state, pending: undefined }
            save()
            reply?.remove()
            if (replyId !== undefined) bubbles.delete(replyId)
            view.setTyping(false)
            await loadHistory()
            return
          }
          view.setTyping(false)
          return onRefused(error)
        }
      }
      view.setStatus(online ? "reconnecting" : "offline")
      await wait(online ? Math.min(500 * 2 ** attempt++, 8000) : 30_000)
      if (online) view.setStatus(undefined)
    }
  }

  /** Sends the outbox in order, one turn at a time. */
  const flush = async () => {
    if (flushing || !started) return
    flushing = true
    try {
      while (state.outbox.length > 0) {
        if (!online) return
        const item = state.outbox[0]!
        try {
          await ensureSession()
        } catch {
          view.setStatus("reconnecting")
          await wait(2000)
          continue
        }
        const request: ChatRequest = {
          shopId: config.shopId,
          message: item.text,
          clientMessageId: item.clientMessageId,
          conversationId: state.conversationId,
          locale,
          context: { path: location.pathname, ...(config.productId === undefined ? {} : { productId: config.productId }) }
        }
        view.setTyping(true)
        await runTurn(request, undefined, (error) => {
          state = { ...state, outbox: state.outbox.filter((o) => o.clientMessageId !== item.clientMessageId) }
          save()
          bubbles.get(item.clientMessageId)?.remove()
          bubbles.delete(item.clientMessageId)
          if (error.failure.kind === "refused" && error.failure.status === 404 && state.conversationId !== undefined) {
            state = { ...state, conversationId: undefined }
            save()
          }
          if (view.input.value === "") view.input.value = item.text
          showError(error.failure.kind === "refused" ? error.failure.code : "internal", error.failure.kind === "refused" ? error.failure.message : "")
        })
      }
    } finally {
      flushing = false
    }
  }

  const submit = (raw: string) => {
    const text = raw.trim()
    if (text === "") return view.setError(t(locale, "empty"))
    if (Array.from(text).length > maxLength) return view.setError(t(locale, "tooLong", { max: maxLength }))
    view.setError("")
    view.setSuggestions([])
    const item = { clientMessageId: randomId(), text, at: new Date().toISOString() }
    state = { ...state, outbox: [...state.outbox, item] }
    save()
    const bubble = view.add("visitor", new Date(item.at))
    bubble.setText(text)
    bubble.setState(online ? "sent" : "queued")
    bubbles.set(item.clientMessageId, bubble)
    if (raw === view.input.value) {
      view.input.value = ""
      view.input.dispatchEvent(new Event("input"))
    }
    void flush()
  }

  /** The conversation so far, from the server (after a reload or a lost turn). */
  const loadHistory = async () => {
    if (state.conversationId === undefined) return
    try {
      const history = await api.history(state.conversationId)
      setStatus(history.status)
      const pending = state.pending
      for (const m of history.messages) {
        if (pending !== undefined && m.id === pending.replyId && m.status !== "streaming") {
          state = { ...state, pending: undefined }
          save()
        }
        showMessage(m)
      }
      const last = history.messages.at(-1)
      if (last?.role === "bot" && last.suggestions.length > 0) view.setSuggestions(last.suggestions)
    } catch (error) {
      if (error instanceof ApiError && error.failure.kind === "refused" && (error.failure.status === 404 || error.failure.status === 401)) {
        if (error.failure.status === 401) forget()
        else state = { ...state, conversationId: undefined, pending: undefined }
        save()
      }
    }
  }

  // An agent's typing shows until their message, or for a few seconds after each ping (sent every 2 s while they type).
  let agentTypingTimer: ReturnType<typeof setTimeout> | undefined
  const agentTyping = (on: boolean) => {
    clearTimeout(agentTypingTimer)
    view.setTyping(on)
    if (on) agentTypingTimer = setTimeout(() => view.setTyping(false), 6000)
  }

  /** Follows agents' messages and status changes while the conversation exists; reconnects after drops. */
  const followEvents = () => {
    if (events !== undefined || state.conversationId === undefined || state.token === undefined || !online) return
    const controller = new AbortController()
    events = controller
    const conversationId = state.conversationId
    void (async () => {
      let attempt = 0
      while (!controller.signal.aborted && state.conversationId === conversationId) {
        try {
          await api.events(conversationId, lastSeq, (_, e) => {
            attempt = 0
            if (e._tag === "message") {
              if (e.message.role === "agent") agentTyping(false)
              showMessage(e.message)
            } else if (e._tag === "status") setStatus(e.status)
            else if (e._tag === "typing" && e.from === "agent") agentTyping(e.typing)
          }, controller.signal)
        } catch (error) {
          if (error instanceof ApiError && error.failure.kind === "refused") break
        }
        if (!online) break
        await wait(Math.min(1000 * 2 ** attempt++, 15_000))
      }
      if (events === controller) events = undefined
    })()
  }

  const requestHuman = async () => {
    if (state.conversationId === undefined) return
    view.setHuman(false)
    try {
      await api.requestHuman(state.conversationId)
      setStatus("waiting-for-agent")
    } catch (error) {
      updateHuman()
      showError(error instanceof ApiError && error.failure.kind === "refused" ? error.failure.code : "internal", "")
    }
  }

  /** On first open: history, the reply the last page left streaming, then anything queued. */
  const begin = async () => {
    started = true
    view.setSubtitle("subtitle")
    if (!online) view.setStatus("offline")
    await loadHistory()
    if (state.conversationId === undefined && state.outbox.length === 0) {
      const hello = view.add("bot", new Date(), "hello")
      hello.setText(t(locale, "welcome"))
    }
    for (const item of state.outbox) {
      if (bubbles.has(item.clientMessageId)) continue
      const bubble = view.add("visitor", new Date(item.at))
      bubble.setText(item.text)
      bubble.setState("queued")
      bubbles.set(item.clientMessageId, bubble)
    }
    updateHuman()
    followEvents()
    const pending = state.pending
    if (pending !== undefined && pending.replyId !== undefined && online) {
      const request: ChatRequest = { shopId: config.shopId, message: "", clientMessageId: pending.clientMessageId, locale }
      await runTurn(request, `${pending.messageId}:0`, () => {
        state = { ...state, pending: undefined }
        save()
      })
    } else if (pending !== undefined) {
      state = { ...state, pending: undefined }
      save()
    }
    await flush()
  }

  const handle: PanelHandle = {
    open: () => {
      view.open()
      if (!started) void begin()
    },
    close: () => {
      if (!view.isOpen()) return
      view.close()
      host.onClosed()
    },
    setLocale: (l) => {
      locale = l
      state = { ...state, locale: l }
      save()
      view.setLocale(l)
      view.setSubtitle(conversationStatus === "bot" ? "subtitle" : "humanRequested")
      host.onLocale(l)
    },
    identify: (customerId) => {
      if (state.identity !== undefined && state.identity !== customerId) {
        events?.abort()
        events = undefined
        state = { outbox: [], locale: state.locale }
        for (const bubble of bubbles.values()) bubble.remove()
        bubbles.clear()
        lastSeq = 0
      }
      state = { ...state, identity: customerId }
      save()
    }
  }
  return handle
}
