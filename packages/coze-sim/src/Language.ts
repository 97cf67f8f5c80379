/** The languages the scripted bots answer in. */
export type Language = "zh" | "en" | "es"

const spanishWords = new Set([
  "hola", "qué", "que", "tienes", "tienen", "precio", "gracias", "quiero", "busco", "cuánto", "cuanto",
  "por", "favor", "zapatos", "envío", "envio", "tienda", "dónde", "donde", "cómo", "como", "para", "una", "unos",
  "el", "los", "las", "es", "son", "hay", "mi", "pedido", "camisa", "buenos", "días"
])

/** A crude language guess: Chinese by script, Spanish by marks and common words, English otherwise. */
export const detectLanguage = (text: string): Language => {
  if (/[\u3400-\u9fff]/u.test(text)) return "zh"
  if (/[¿¡ñ]/iu.test(text)) return "es"
  const words = text.toLowerCase().split(/[^\p{L}]+/u).filter((w) => w.length > 0)
  const hits = words.filter((w) => spanishWords.has(w)).length
  return hits > 0 && hits * 3 >= words.length ? "es" : "en"
}

/** The phrases the scripted bots say, by language. */
export interface Phrases {
  readonly answer: (question: string) => string
  readonly markupBefore: string
  readonly markupAfter: string
  readonly functionAnswer: string
  readonly toolAnswer: (output: string) => string
  readonly followUps: readonly [string, string, string]
}

/** The scripted bots' phrases per language. */
export const phrases: Record<Language, Phrases> = {
  en: {
    answer: (q) => `Thanks for asking about "${q}". Our shop ships every order within two days, and returns are free for 30 days.`,
    markupBefore: "Let me look that up for you. ",
    markupAfter: " Here are a few products you might like.",
    functionAnswer: "I found three products that match your question.",
    toolAnswer: (o) => `Here is what I found for you: ${o}`,
    followUps: ["What sizes are available?", "How long does shipping take?", "Can I return an item?"]
  },
  zh: {
    answer: (q) => `感谢您咨询「${q}」。本店所有订单两天内发货，30天内免费退货。`,
    markupBefore: "我来帮您查一下。",
    markupAfter: "这里有几款您可能喜欢的商品。",
    functionAnswer: "我找到了三款符合您问题的商品。",
    toolAnswer: (o) => `为您找到以下结果：${o}`,
    followUps: ["有哪些尺码？", "发货需要多久？", "可以退货吗？"]
  },
  es: {
    answer: (q) => `Gracias por preguntar sobre «${q}». Nuestra tienda envía cada pedido en dos días y las devoluciones son gratuitas durante 30 días.`,
    markupBefore: "Déjame buscarlo para ti. ",
    markupAfter: " Aquí tienes algunos productos que te pueden gustar.",
    functionAnswer: "Encontré tres productos que coinciden con tu pregunta.",
    toolAnswer: (o) => `Esto es lo que encontré para ti: ${o}`,
    followUps: ["¿Qué tallas hay disponibles?", "¿Cuánto tarda el envío?", "¿Puedo devolver un artículo?"]
  }
}

/** Splits text into streaming chunks (by code point, so CJK and emoji stay whole). */
export const chunkText = (text: string, language: Language): Array<string> => {
  const points = Array.from(text)
  const size = language === "zh" ? 2 : 6
  const chunks: Array<string> = []
  for (let i = 0; i < points.length; i += size) chunks.push(points.slice(i, i + size).join(""))
  return chunks
}
