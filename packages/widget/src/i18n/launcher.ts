import type { WidgetLocale } from "./strings.js"

/** The launcher's label in each locale: the only sentence the loader carries before the panel loads. */
export const launcherLabels: Readonly<Record<WidgetLocale, string>> = {
  zh: "在线咨询",
  en: "Chat with us",
  es: "Chatea con nosotros"
}
