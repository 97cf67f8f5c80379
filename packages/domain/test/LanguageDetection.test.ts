import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc, Option } from "effect"
import { confidentThreshold, detect, isConfident, resolve } from "../src/logic/LanguageDetection.js"
import { type Locale, locales } from "../src/model/Locale.js"
import { ambiguous, shopChat } from "./fixtures/shopChat.js"

const locale = fc.constantFrom(...locales)
const someLocale = fc.option(locale, { nil: undefined }).map(Option.fromNullable)

describe("LanguageDetection.detect", () => {
  it("recognises real shop-chat messages in each language (>= 95 % per language)", () => {
    const rows = locales.map((expected) => {
      const sentences = shopChat[expected]
      const misses = sentences.filter((text) => Option.getOrUndefined(detect(text).locale) !== expected)
      return {
        locale: expected,
        sentences: sentences.length,
        correct: sentences.length - misses.length,
        accuracy: (sentences.length - misses.length) / sentences.length,
        misses: misses.join(" | ")
      }
    })
    console.table(rows)
    for (const row of rows) {
      expect(row.sentences).toBeGreaterThanOrEqual(30)
      expect(row.accuracy, `${row.locale} misses: ${row.misses}`).toBeGreaterThanOrEqual(0.95)
    }
  })

  it("reads Han script as Chinese also around Latin product names", () => {
    const detection = detect("iPhone 15 多少钱")
    expect(detection.locale).toEqual(Option.some("zh"))
    expect(isConfident(detection)).toBe(true)
  })

  it("takes Spanish marks as evidence even for words it does not know", () => {
    expect(detect("¡Genial!").locale).toEqual(Option.some("es"))
    expect(detect("señor").locale).toEqual(Option.some("es"))
    expect(detect("tamaño XL").locale).toEqual(Option.some("es"))
  })

  it("takes English contractions as evidence even for words it does not know", () => {
    expect(detect("couldn't").locale).toEqual(Option.some("en"))
    expect(detect("it’s broken").locale).toEqual(Option.some("en"))
  })

  it("is confident on a clear sentence and not on a single word", () => {
    expect(isConfident(detect("Do you ship to Canada?"))).toBe(true)
    expect(isConfident(detect("¿Cuánto cuesta el envío?"))).toBe(true)
    expect(isConfident(detect("hello"))).toBe(false)
    expect(isConfident(detect("hola"))).toBe(false)
  })

  it("gives no locale or a low confidence for short ambiguous inputs", () => {
    for (const text of ambiguous) {
      const detection = detect(text)
      expect(
        Option.isNone(detection.locale) || detection.confidence < confidentThreshold,
        `${JSON.stringify(text)} gave ${JSON.stringify(detection)}`
      ).toBe(true)
    }
    expect(detect("ok").locale).toEqual(Option.none())
    expect(detect("iPhone 15").locale).toEqual(Option.none())
    expect(detect("123").locale).toEqual(Option.none())
  })

  it("does not call Japanese or Korean Chinese", () => {
    expect(detect("この靴はいくらですか").locale).toEqual(Option.none())
    expect(detect("이거 얼마예요?").locale).toEqual(Option.none())
  })

  it("calls a half-English, half-Spanish message a tie: no locale", () => {
    expect(detect("hola hello").locale).toEqual(Option.none())
  })
})

describe("LanguageDetection.resolve", () => {
  const es = Option.some<Locale>("es")

  it("keeps a Spanish conversation Spanish on inputs that say nothing", () => {
    for (const text of ["ok", "iPhone 15", "123", "👍", "Nike Air Max 90", "hello"]) {
      expect(resolve({ explicit: Option.none(), current: es, text, fallback: "en" }), text).toBe("es")
    }
  })

  it("switches on a clear sentence in another language", () => {
    expect(resolve({ explicit: Option.none(), current: es, text: "Do you ship to Canada?", fallback: "es" })).toBe("en")
    expect(resolve({ explicit: Option.none(), current: es, text: "iPhone 15 多少钱", fallback: "es" })).toBe("zh")
    expect(
      resolve({ explicit: Option.none(), current: Option.some("en"), text: "¿Cuánto cuesta el envío?", fallback: "en" })
    ).toBe("es")
  })

  it("lets the explicit locale win over the current one and over the text", () => {
    expect(resolve({ explicit: Option.some("en"), current: es, text: "¿Tienen zapatos en talla 42?", fallback: "zh" }))
      .toBe("en")
  })

  it("uses detection, then the fallback, in a conversation without a locale", () => {
    expect(resolve({ explicit: Option.none(), current: Option.none(), text: "hola", fallback: "en" })).toBe("es")
    expect(resolve({ explicit: Option.none(), current: Option.none(), text: "你好", fallback: "en" })).toBe("zh")
    expect(resolve({ explicit: Option.none(), current: Option.none(), text: "ok", fallback: "zh" })).toBe("zh")
  })
})

describe("LanguageDetection properties", () => {
  const words = fc.constantFrom(
    ...Object.values(shopChat).flat().flatMap((sentence) => sentence.split(/\s+/)),
    ...ambiguous
  )
  const text = fc.oneof(
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.string({ unit: "grapheme", maxLength: 80 }),
    fc.array(words, { maxLength: 12 }).map((parts) => parts.join(" "))
  )

  it.prop("detect never throws and its confidence is within [0, 1]", [text], ([input]) => {
    const detection = detect(input)
    expect(detection.confidence).toBeGreaterThanOrEqual(0)
    expect(detection.confidence).toBeLessThanOrEqual(1)
    if (Option.isNone(detection.locale)) expect(detection.confidence).toBe(0)
  }, { fastCheck: { numRuns: 2000 } })

  it.prop(
    "resolve always returns a locale, and the explicit one when given",
    [someLocale, someLocale, text, locale],
    ([explicit, current, input, fallback]) => {
      const result = resolve({ explicit, current, text: input, fallback })
      expect(locales).toContain(result)
      if (Option.isSome(explicit)) expect(result).toBe(explicit.value)
      if (Option.isNone(explicit) && Option.isSome(current) && !isConfident(detect(input))) {
        expect(result).toBe(current.value)
      }
    },
    { fastCheck: { numRuns: 2000 } }
  )
})
