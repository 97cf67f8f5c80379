import { Option, Schema } from "effect"

/** The languages the product speaks completely. */
export const Locale = Schema.Literal("zh", "en", "es")
export type Locale = typeof Locale.Type

export const locales: ReadonlyArray<Locale> = Locale.literals

const isLocale = Schema.is(Locale)

/** Reads a BCP 47 tag (`zh-CN`, `es_MX`, `EN`) as one of our locales, if it is one. */
export const fromTag = (tag: string): Option.Option<Locale> => {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? ""
  return isLocale(primary) ? Option.some(primary) : Option.none()
}

/** The first of several tags (e.g. `navigator.languages`) that is one of our locales. */
export const fromTags = (tags: Iterable<string>): Option.Option<Locale> => {
  for (const tag of tags) {
    const locale = fromTag(tag)
    if (Option.isSome(locale)) return locale
  }
  return Option.none()
}
