import type { Locale } from "@chatbot-node/domain"
import { categories, products } from "../catalog/demo/DemoProducts.js"

/** What the demo bot understood of a product question. */
export interface ProductQuestion {
  readonly keyword: string | undefined
  readonly maxPrice: number | undefined
  readonly inStockOnly: boolean
}

const fold = (s: string) => s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()

const stop = new Set(
  `the and for with from that this your have what which show some any are you do does how much price
  los las una unos unas con para por que del como cuanto tienen tienes quiero busco precio`.split(/\s+/)
)

/** Latin words a visitor may use for products: the categories' words and the words of product names. */
const latinVocabulary: ReadonlySet<string> = new Set([
  ...categories.flatMap((c) => [...c.words.en, ...c.words.es]).map(fold),
  ...products.flatMap((p) => [p.text.en[0], p.text.es[0]])
    .flatMap((name) => fold(name).split(/[^a-z0-9]+/))
    .filter((w) => w.length >= 4 && !stop.has(w))
])

/** Chinese terms, longest first so that "运动鞋" wins over "鞋". */
const hanVocabulary: ReadonlyArray<string> = Array.from(new Set(categories.flatMap((c) => c.words.zh))).sort((a, b) => b.length - a.length)

const pricePatterns: ReadonlyArray<RegExp> = [
  /(?:under|below|less than|cheaper than|max(?:imum)?|up to|within)\s*\$?\s*(\d+(?:[.,]\d+)?)/i,
  /(?:menos de|por debajo de|hasta|máximo|maximo)\s*\$?\s*(\d+(?:[.,]\d+)?)/i,
  /(\d+(?:[.,]\d+)?)\s*(?:元|美元|块)?\s*(?:以下|以内|之内)/,
  /(?:低于|不超过|少于)\s*(\d+(?:[.,]\d+)?)/
]

const stockWords = /\b(in stock|available)\b|disponible|en stock|有货|现货/i

/** A word without its plural ending, so that it matches the singular and the plural in the catalog. */
const stem = (word: string) =>
  word.length > 4 && word.endsWith("es") && latinVocabulary.has(fold(word.slice(0, -2)))
    ? word.slice(0, -2)
    : word.length > 3 && word.endsWith("s") ? word.slice(0, -1) : word

/**
 * Finds what a visitor asks the demo catalog for, in zh, en or es: the product words it knows
 * (category words and words of product names), a price ceiling and "in stock"; none when the
 * message names no product.
 */
export const understand = (text: string, _locale: Locale.Locale): ProductQuestion | undefined => {
  const words: Array<string> = []
  for (const raw of text.normalize("NFC").toLowerCase().split(/[^\p{Script=Latin}0-9]+/u)) {
    const folded = fold(raw)
    if (raw.length < 3 || stop.has(folded)) continue
    if (latinVocabulary.has(folded) || latinVocabulary.has(fold(stem(raw)))) words.push(stem(raw))
  }
  let rest = text
  for (const term of hanVocabulary) {
    if (rest.includes(term)) {
      words.push(term)
      rest = rest.split(term).join(" ")
    }
  }
  const price = pricePatterns.map((p) => p.exec(text)?.[1]).find((m) => m !== undefined)
  const maxPrice = price === undefined ? undefined : Number(price.replace(",", "."))
  if (words.length === 0 && maxPrice === undefined) return undefined
  return {
    keyword: words.length === 0 ? undefined : Array.from(new Set(words)).join(" "),
    maxPrice: maxPrice !== undefined && Number.isFinite(maxPrice) ? maxPrice : undefined,
    inStockOnly: stockWords.test(text)
  }
}
