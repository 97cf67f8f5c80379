import type { WidgetLocale } from "./strings.js"

/** Reads a BCP 47 tag (`zh-CN`, `es_MX`) as one of the widget's locales. */
export const fromTag = (tag: string | null | undefined): WidgetLocale | undefined => {
  const primary = (tag ?? "").trim().toLowerCase().split(/[-_]/)[0]
  return primary === "zh" || primary === "en" || primary === "es" ? primary : undefined
}

/** The widget's locale: `data-locale`, else the page's `<html lang>`, else the browser's languages, else English. */
export const resolveLocale = (dataLocale: string | null | undefined, htmlLang: string | null | undefined, browser: ReadonlyArray<string>): WidgetLocale => {
  const chosen = fromTag(dataLocale) ?? fromTag(htmlLang)
  if (chosen !== undefined) return chosen
  for (const tag of browser) {
    const locale = fromTag(tag)
    if (locale !== undefined) return locale
  }
  return "en"
}
