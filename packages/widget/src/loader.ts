import type { Mount, PanelHandle, WidgetConfig } from "./contract.js"
import { launcherLabels } from "./i18n/launcher.js"
import { fromTag, resolveLocale } from "./i18n/locale.js"
import type { WidgetLocale } from "./i18n/strings.js"
import { launcherCss } from "./ui/styles.js"

/** The page's JS API: `window.ChatbotNode.open()`, `.close()`, `.setLocale("es")`, `.identify("customer-42")`. */
export interface ChatbotNodeApi {
  readonly open: () => Promise<void>
  readonly close: () => void
  readonly setLocale: (locale: string) => void
  readonly identify: (customerId: string | undefined) => void
}

const icon = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0-.01zm5 0a1.5 1.5 0 1 0 0-.01zm5 0a1.5 1.5 0 1 0 0-.01z"/></svg>'

/** Black or white text on the given hex colour, whichever contrasts more. */
const onColor = (hex: string) => {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim())
  if (m === null) return undefined
  const n = parseInt(m[1]!, 16)
  const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
  const l = 0.2126 * lin(n >> 16) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255)
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? "#000" : "#fff"
}

const start = (script: HTMLScriptElement) => {
  const data = script.dataset
  const shopId = data.shop ?? ""
  const src = new URL(script.src, location.href)
  const config: WidgetConfig = {
    shopId,
    apiBase: data.api ?? src.origin,
    locale: resolveLocale(data.locale, document.documentElement.lang, navigator.languages ?? [navigator.language]),
    localeChosen: fromTag(data.locale) !== undefined,
    productId: data.product,
    cart: data.cart === "event"
  }
  let locale = config.locale
  const host = document.createElement("div")
  host.id = "chatbot-node-widget"
  const accent = data.color
  const on = accent === undefined ? undefined : onColor(accent)
  if (accent !== undefined && on !== undefined) host.setAttribute("style", `--cbn-accent:${accent};--cbn-on-accent:${on}`)
  const root = host.attachShadow({ mode: "open" })
  const frame = document.createElement("div")
  frame.className = data.position === "left" ? "left" : ""
  const sheetOf = (css: string) => {
    try {
      const sheet = new CSSStyleSheet()
      sheet.replaceSync(css)
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet]
    } catch {
      const style = document.createElement("style")
      style.textContent = css
      root.append(style)
    }
  }
  sheetOf(launcherCss)
  const launcher = document.createElement("button")
  launcher.type = "button"
  launcher.className = "launcher"
  launcher.setAttribute("aria-haspopup", "dialog")
  launcher.setAttribute("aria-expanded", "false")
  launcher.innerHTML = icon
  const label = (l: WidgetLocale) => launcher.setAttribute("aria-label", launcherLabels[l])
  label(locale)
  frame.append(launcher)
  root.append(frame)
  document.body.append(host)

  let panel: PanelHandle | undefined
  let loading: Promise<PanelHandle> | undefined
  let identity: string | undefined
  let identified = false
  const load = () =>
    (loading ??= import(/* @vite-ignore */ new URL("widget-panel.js", src).href).then((module: { mount: Mount }) => {
      sheetOf((module as unknown as { css: string }).css)
      panel = module.mount({
        root,
        frame,
        onClosed: () => {
          frame.classList.remove("open")
          launcher.setAttribute("aria-expanded", "false")
          launcher.focus()
        },
        onLocale: (l) => {
          locale = l
          label(l)
        }
      }, { ...config, locale })
      if (identified) panel.identify(identity)
      return panel
    }))
  const open = async () => {
    launcher.setAttribute("aria-busy", "true")
    try {
      const p = await load()
      frame.classList.add("open")
      launcher.setAttribute("aria-expanded", "true")
      p.open()
    } finally {
      launcher.removeAttribute("aria-busy")
    }
  }
  launcher.addEventListener("click", () => void open())
  const api: ChatbotNodeApi = {
    open,
    close: () => panel?.close(),
    setLocale: (tag) => {
      const l = fromTag(tag)
      if (l === undefined) return
      locale = l
      label(l)
      panel?.setLocale(l)
    },
    identify: (customerId) => {
      identity = customerId
      identified = true
      panel?.identify(customerId)
    }
  }
  ;(window as unknown as { ChatbotNode: ChatbotNodeApi }).ChatbotNode = api
  window.dispatchEvent(new CustomEvent("chatbot-node:ready", { detail: api }))
  if (data.open === "true" || data.open === "") void open()
}

const current = document.currentScript as HTMLScriptElement | null
if (current !== null && !document.getElementById("chatbot-node-widget")) {
  if (document.body !== null) start(current)
  else document.addEventListener("DOMContentLoaded", () => start(current))
}
