import { I18n } from "@chatbot-node/domain"
import type { Locale } from "@chatbot-node/domain"

type Sentences = {
  readonly found: (keyword: string) => string
  readonly foundByPrice: (max: number) => string
  readonly after: string
  readonly shipping: string
  readonly returns: string
  readonly fallback: string
  readonly suggestions: ReadonlyArray<string>
}

const byLocale: Readonly<Record<Locale.Locale, Sentences>> = {
  en: {
    found: (k) => `Here is what the demo catalog has for “${k}”:`,
    foundByPrice: (max) => `Here are demo products up to $${max}:`,
    after: "Tap a card to see it, or ask me about shipping and returns.",
    shipping: "Demo shipping: orders over $50 ship free and usually arrive in 3–5 business days.",
    returns: "Demo returns: you can return unworn items within 30 days for a full refund.",
    fallback: "I can look up shoes, bags, watches, headphones, jackets and home goods in the demo catalog. What are you looking for?",
    suggestions: ["Show me running shoes", "Backpacks under $80", "How long does shipping take?"]
  },
  zh: {
    found: (k) => `这是演示商品目录中与“${k}”相关的商品：`,
    foundByPrice: (max) => `这些是 ${max} 美元以内的演示商品：`,
    after: "点击卡片查看详情，也可以问我配送和退货的问题。",
    shipping: "演示配送政策：订单满 50 美元包邮，通常 3–5 个工作日送达。",
    returns: "演示退货政策：未穿着的商品 30 天内可全额退款。",
    fallback: "我可以在演示目录中帮您查找鞋、包、手表、耳机、外套和家居用品。您想找什么？",
    suggestions: ["推荐一双跑鞋", "100 美元以内的耳机", "多久能送到？"]
  },
  es: {
    found: (k) => `Esto es lo que tiene el catálogo de demostración para «${k}»:`,
    foundByPrice: (max) => `Estos son productos de demostración hasta ${max} $:`,
    after: "Toca una tarjeta para verla, o pregúntame por envíos y devoluciones.",
    shipping: "Envíos de demostración: los pedidos de más de 50 $ tienen envío gratis y suelen llegar en 3–5 días hábiles.",
    returns: "Devoluciones de demostración: puedes devolver artículos sin usar en 30 días con reembolso completo.",
    fallback: "Puedo buscar zapatillas, bolsos, relojes, auriculares, chaquetas y artículos de hogar en el catálogo de demostración. ¿Qué buscas?",
    suggestions: ["Muéstrame zapatillas", "Mochilas de menos de 80 $", "¿Cuánto tarda el envío?"]
  }
}

/** The demo bot's own sentences in a locale (system notices come from the domain's I18n). */
export const replies = (locale: Locale.Locale) => ({
  ...byLocale[locale],
  greeting: I18n.t(locale, "greeting"),
  demoNotice: I18n.t(locale, "demoNotice")
})

const topics = {
  greeting: /^\s*(hi|hello|hey|hola|buenas|buenos días|buenos dias|你好|您好|在吗|嗨)\b|^\s*(你好|您好|在吗|嗨)/i,
  shipping: /shipping|deliver|envío|envio|entrega|llega|配送|发货|快递|送到|运费/i,
  returns: /return|refund|devoluci|devolver|reembolso|退货|退款|换货/i
}

/** Which canned topic a message is about, if any. */
export const topicOf = (text: string): "greeting" | "shipping" | "returns" | undefined =>
  topics.shipping.test(text) ? "shipping" : topics.returns.test(text) ? "returns" : topics.greeting.test(text) ? "greeting" : undefined
