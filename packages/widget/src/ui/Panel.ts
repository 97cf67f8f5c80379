import { localeNames, t, type StringKey, type WidgetLocale } from "../i18n/strings.js"
import type { WireProduct } from "../transport/wire.js"
import { render } from "./Markdown.js"
import { renderCards } from "./ProductCards.js"

/** Who wrote a bubble. */
export type Role = "visitor" | "bot" | "agent" | "system"

/** One message on screen, updated as its reply streams or its sending state changes. */
export interface Bubble {
  readonly role: Role
  text: string
  setText: (text: string) => void
  setProducts: (products: ReadonlyArray<WireProduct>) => void
  /** `streaming` marks it busy (not announced yet); `done` lets screen readers read it once. */
  setState: (state: "queued" | "sent" | "streaming" | "done" | "failed") => void
  note: (key: StringKey | undefined) => void
  remove: () => void
}

/** What the panel's controls ask of the controller. */
export interface PanelEvents {
  readonly submit: (text: string) => void
  readonly close: () => void
  readonly locale: (locale: WidgetLocale) => void
  readonly human: () => void
  /** The visitor typed in the input. */
  readonly typing: () => void
}

let ids = 0

/** Builds the chat panel (a dialog) in the loader's frame and returns its view operations. */
export const makePanel = (frame: HTMLElement, initial: WidgetLocale, events: PanelEvents, options: { readonly cart?: boolean } = {}) => {
  const doc = frame.ownerDocument
  let locale = initial
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className = "", parent?: HTMLElement) => {
    const node = doc.createElement(tag)
    if (className !== "") node.className = className
    parent?.append(node)
    return node
  }
  const uid = `cbn${++ids}`
  const labels: Array<[HTMLElement, StringKey, string | undefined]> = []
  const label = (node: HTMLElement, key: StringKey, attr?: string) => {
    labels.push([node, key, attr])
    if (attr === undefined) node.textContent = t(locale, key)
    else node.setAttribute(attr, t(locale, key))
    return node
  }

  const panel = el("section", "panel")
  panel.hidden = true
  panel.lang = locale
  panel.setAttribute("role", "dialog")
  panel.setAttribute("aria-modal", "false")
  panel.setAttribute("aria-labelledby", `${uid}-t`)
  const header = el("header", "", panel)
  const titles = el("div", "t", header)
  const title = label(el("h2", "", titles), "title")
  title.id = `${uid}-t`
  const subtitle = el("p", "", titles)
  const select = el("select", "", header)
  label(select, "language", "aria-label")
  for (const l of ["zh", "en", "es"] as const) {
    const option = el("option", "", select)
    option.value = l
    option.lang = l
    option.textContent = localeNames[l]
  }
  select.value = locale
  select.addEventListener("change", () => events.locale(select.value as WidgetLocale))
  const close = el("button", "x", header)
  close.type = "button"
  close.textContent = "×"
  label(close, "close", "aria-label")
  close.addEventListener("click", () => events.close())

  const status = el("div", "status", panel)
  status.setAttribute("role", "status")
  status.hidden = true
  const log = el("div", "log", panel)
  log.setAttribute("role", "log")
  log.setAttribute("aria-live", "polite")
  log.setAttribute("aria-relevant", "additions text")
  log.tabIndex = 0
  label(log, "title", "aria-label")
  const typing = el("div", "typing", panel)
  typing.hidden = true
  label(typing, "typing")
  const suggestions = el("div", "sugg", panel)
  label(suggestions, "suggestions", "aria-label")
  suggestions.setAttribute("role", "group")
  const tools = el("div", "tools", panel)
  const human = el("button", "human", tools)
  human.type = "button"
  human.hidden = true
  label(human, "human")
  human.addEventListener("click", () => events.human())
  const errorBar = el("div", "err-bar", panel)
  errorBar.setAttribute("role", "alert")
  const form = el("form", "", panel)
  const input = el("textarea", "", form)
  input.rows = 1
  input.id = `${uid}-i`
  input.setAttribute("enterkeyhint", "send")
  label(input, "input", "aria-label")
  label(input, "input", "placeholder")
  const send = el("button", "send", form)
  send.type = "submit"
  label(send, "send")
  form.addEventListener("submit", (e) => {
    e.preventDefault()
    events.submit(input.value)
  })
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault()
      events.submit(input.value)
    }
  })
  const grow = () => {
    input.style.height = "auto"
    input.style.height = `${Math.min(input.scrollHeight + 2, 120)}px`
  }
  input.addEventListener("input", () => {
    grow()
    if (errorBar.textContent !== "") errorBar.textContent = ""
    events.typing()
  })
  panel.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.stopPropagation()
      events.close()
    }
  })
  frame.append(panel)

  const viewport = globalThis.visualViewport
  const fit = () => {
    if (viewport) panel.style.setProperty("--vvh", `${viewport.height}px`)
  }
  viewport?.addEventListener("resize", fit)
  fit()

  const nearBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight < 80
  const follow = (was: boolean) => {
    if (was) log.scrollTop = log.scrollHeight
  }
  const timeFormat = () => new Intl.DateTimeFormat(locale === "zh" ? "zh-CN" : locale, { hour: "2-digit", minute: "2-digit" })
  const metaKey: Record<Role, StringKey> = { visitor: "you", bot: "bot", agent: "agent", system: "system" }

  /** Adds a message bubble at the end of the transcript. */
  const add = (role: Role, at: Date, extraClass = ""): Bubble => {
    const wasAtBottom = nearBottom()
    const item = el("div", `m ${role} ${extraClass}`.trim())
    const meta = el("div", "meta")
    const who = el("span", "", meta)
    who.textContent = role === "system" ? "" : t(locale, metaKey[role])
    const time = el("time", "", meta)
    time.dateTime = at.toISOString()
    time.textContent = `${role === "system" ? "" : " · "}${timeFormat().format(at)}`
    const body = el("div", "b", item)
    let cards: HTMLElement | undefined
    let noteEl: HTMLElement | undefined
    item.append(meta)
    log.append(item)
    follow(wasAtBottom)
    const bubble: Bubble = {
      role,
      text: "",
      setText: (text) => {
        const was = nearBottom()
        bubble.text = text
        body.replaceChildren(render(doc, text))
        follow(was)
      },
      setProducts: (products) => {
        const was = nearBottom()
        cards?.remove()
        cards = undefined
        item.classList.toggle("has-cards", products.length > 0)
        if (products.length > 0) {
          cards = renderCards(doc, products, locale, location.href, options.cart === true)
          body.after(cards)
        }
        follow(was)
      },
      setState: (state) => {
        item.classList.toggle("queued", state === "queued")
        item.classList.toggle("busy", state === "streaming")
        if (state === "streaming") item.setAttribute("aria-busy", "true")
        else item.removeAttribute("aria-busy")
        bubble.note(state === "queued" ? "queued" : state === "failed" ? "failed" : undefined)
      },
      note: (key) => {
        noteEl?.remove()
        noteEl = undefined
        if (key !== undefined) {
          noteEl = el("div", "err", item)
          noteEl.textContent = t(locale, key)
        }
      },
      remove: () => item.remove()
    }
    return bubble
  }

  return {
    input,
    add,
    open: () => {
      panel.hidden = false
      log.scrollTop = log.scrollHeight
      input.focus()
    },
    close: () => {
      panel.hidden = true
    },
    isOpen: () => !panel.hidden,
    setLocale: (l: WidgetLocale) => {
      locale = l
      select.value = l
      panel.lang = l
      for (const [node, key, attr] of labels) {
        if (attr === undefined) node.textContent = t(l, key)
        else node.setAttribute(attr, t(l, key))
      }
    },
    setSubtitle: (key: StringKey) => {
      subtitle.textContent = t(locale, key)
    },
    setStatus: (key: StringKey | undefined) => {
      status.hidden = key === undefined
      status.textContent = key === undefined ? "" : t(locale, key)
    },
    setTyping: (on: boolean) => {
      typing.hidden = !on
    },
    setError: (text: string) => {
      errorBar.textContent = text
    },
    setHuman: (visible: boolean) => {
      human.hidden = !visible
    },
    setSuggestions: (list: ReadonlyArray<string>) => {
      suggestions.replaceChildren()
      for (const text of list.slice(0, 4)) {
        const button = el("button", "", suggestions)
        button.type = "button"
        button.textContent = text
        button.addEventListener("click", () => {
          input.focus()
          events.submit(text)
        })
      }
    }
  }
}

/** The panel's view operations. */
export type PanelView = ReturnType<typeof makePanel>
