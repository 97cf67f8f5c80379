import type { WidgetLocale } from "./i18n/strings.js"

/** The widget's settings, read by the loader from its script tag. */
export interface WidgetConfig {
  readonly shopId: string
  /** The server's origin (where widget.js came from), e.g. `https://chat.example.com`. */
  readonly apiBase: string
  readonly locale: WidgetLocale
  /** Set when the page chose the locale (data-locale); else the browser's or page's guess. */
  readonly localeChosen: boolean
  readonly productId?: string | undefined
  /** `data-cart="event"`: cards get an add-to-cart button that dispatches `chatbot:add-to-cart` `{sku, productId}` on the page. */
  readonly cart?: boolean | undefined
}

/** What the loader tells the panel it draws in. */
export interface PanelHost {
  readonly root: ShadowRoot
  readonly frame: HTMLElement
  /** The panel closed itself (Escape, close button): the loader shows the launcher and focuses it. */
  readonly onClosed: () => void
  readonly onLocale: (locale: WidgetLocale) => void
}

/** The panel as the loader drives it (and the page's JS API). */
export interface PanelHandle {
  readonly open: () => void
  readonly close: () => void
  readonly setLocale: (locale: WidgetLocale) => void
  readonly identify: (customerId: string | undefined) => void
}

/** The panel chunk's entry: builds the panel inside the loader's shadow root. */
export type Mount = (host: PanelHost, config: WidgetConfig) => PanelHandle
