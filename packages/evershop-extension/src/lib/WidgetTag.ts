/** The widget's settings as the storefront component receives them (GraphQL `chatbotWidget`). */
export interface WidgetTag {
  readonly scriptUrl: string
  readonly shopId: string
  readonly locale: string | null
  readonly color: string | null
}

/** The locales the widget speaks; others fall back to the widget's own choice. */
const widgetLocales = ["zh", "en", "es"]

/** The widget's locale for an EverShop store language (`en`, `es-ES`, `zh_CN`...), if it speaks it. */
export const widgetLocale = (storeLanguage: string | null | undefined): string | null => {
  const primary = (storeLanguage ?? "").toLowerCase().split(/[-_]/)[0] ?? ""
  return widgetLocales.includes(primary) ? primary : null
}

/** The widget's script tag settings for a Chatbot-Node server, or none when the server is not configured. */
export const widgetTag = (serverUrl: string | undefined, shopId: string, storeLanguage: string | null | undefined, color?: string): WidgetTag | null =>
  serverUrl === undefined
    ? null
    : { scriptUrl: `${serverUrl.replace(/\/+$/, "")}/widget.js`, shopId, locale: widgetLocale(storeLanguage), color: color ?? null }
