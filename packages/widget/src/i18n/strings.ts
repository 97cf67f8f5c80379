/** The widget's locales: the ones the server speaks completely. */
export type WidgetLocale = "zh" | "en" | "es"

/** Every sentence the widget shows, in English; zh and es must define the same keys. */
const en = {
  launcher: "Chat with us",
  title: "Shop assistant",
  subtitle: "We usually answer right away",
  close: "Close chat",
  language: "Language",
  input: "Type your message",
  send: "Send",
  human: "Talk to a person",
  humanRequested: "A person has been asked to join",
  you: "You",
  bot: "Assistant",
  agent: "Agent",
  system: "Notice",
  typing: "The assistant is typing…",
  suggestions: "Suggested questions",
  products: "Products",
  inStock: "In stock",
  fewLeft: "Only {n} left",
  outOfStock: "Out of stock",
  view: "View",
  addToCart: "Add to cart",
  offline: "You are offline. Messages will be sent when the connection is back.",
  reconnecting: "Reconnecting…",
  queued: "Waiting to send",
  failed: "Not sent",
  retry: "Retry",
  interrupted: "The reply was interrupted.",
  empty: "Please type a message.",
  tooLong: "Your message is too long (at most {max} characters). Please shorten it.",
  rateLimited: "You're sending messages too quickly. Please wait a moment and try again.",
  unavailable: "The assistant can't answer right now. Please try again in a moment, or ask for a person.",
  busy: "I'm still answering your previous message. One moment, please.",
  error: "Something went wrong. Please try again.",
  welcome: "Hi! Ask me about products, prices, stock or shipping.",
  newReply: "New reply from the assistant"
} as const

/** The keys of the widget's sentences. */
export type StringKey = keyof typeof en
type Strings = Readonly<Record<StringKey, string>>

const zh: Strings = {
  launcher: "在线咨询",
  title: "店铺助手",
  subtitle: "通常会立即回复",
  close: "关闭聊天",
  language: "语言",
  input: "输入您的消息",
  send: "发送",
  human: "转人工客服",
  humanRequested: "已请求人工客服加入",
  you: "您",
  bot: "助手",
  agent: "客服",
  system: "通知",
  typing: "助手正在输入…",
  suggestions: "推荐问题",
  products: "商品",
  inStock: "有货",
  fewLeft: "仅剩 {n} 件",
  outOfStock: "缺货",
  view: "查看",
  addToCart: "加入购物车",
  offline: "您已离线，网络恢复后将自动发送消息。",
  reconnecting: "正在重新连接…",
  queued: "等待发送",
  failed: "发送失败",
  retry: "重试",
  interrupted: "回复被中断。",
  empty: "请输入消息内容。",
  tooLong: "您的消息太长了（最多 {max} 个字符），请缩短后再发送。",
  rateLimited: "您发送消息太频繁了，请稍后再试。",
  unavailable: "助手暂时无法回答，请稍后再试，或联系人工客服。",
  busy: "我还在回答您的上一条消息，请稍候。",
  error: "出了点问题，请重试。",
  welcome: "您好！可以问我商品、价格、库存或配送方面的问题。",
  newReply: "助手发来新回复"
}

const es: Strings = {
  launcher: "Chatea con nosotros",
  title: "Asistente de la tienda",
  subtitle: "Solemos responder al instante",
  close: "Cerrar el chat",
  language: "Idioma",
  input: "Escribe tu mensaje",
  send: "Enviar",
  human: "Hablar con una persona",
  humanRequested: "Se ha pedido que se una una persona",
  you: "Tú",
  bot: "Asistente",
  agent: "Agente",
  system: "Aviso",
  typing: "El asistente está escribiendo…",
  suggestions: "Preguntas sugeridas",
  products: "Productos",
  inStock: "Disponible",
  fewLeft: "Solo quedan {n}",
  outOfStock: "Agotado",
  view: "Ver",
  addToCart: "Añadir al carrito",
  offline: "Estás sin conexión. Los mensajes se enviarán cuando vuelva la conexión.",
  reconnecting: "Reconectando…",
  queued: "Pendiente de envío",
  failed: "No enviado",
  retry: "Reintentar",
  interrupted: "La respuesta se interrumpió.",
  empty: "Escribe un mensaje, por favor.",
  tooLong: "Tu mensaje es demasiado largo (máximo {max} caracteres). Acórtalo, por favor.",
  rateLimited: "Estás enviando mensajes demasiado rápido. Espera un momento e inténtalo de nuevo.",
  unavailable: "El asistente no puede responder ahora. Inténtalo de nuevo en un momento o pide hablar con una persona.",
  busy: "Todavía estoy respondiendo a tu mensaje anterior. Un momento, por favor.",
  error: "Algo salió mal. Inténtalo de nuevo.",
  welcome: "¡Hola! Pregúntame por productos, precios, existencias o envíos.",
  newReply: "Nueva respuesta del asistente"
}

/** Every locale's sentences. */
export const catalogs: Readonly<Record<WidgetLocale, Strings>> = { en, zh, es }

/** The names of the locales, each in its own language (for the language switch). */
export const localeNames: Readonly<Record<WidgetLocale, string>> = { zh: "中文", en: "English", es: "Español" }

/** A sentence in a locale, `{placeholders}` filled. */
export const t = (locale: WidgetLocale, key: StringKey, params: Record<string, string | number> = {}): string =>
  catalogs[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
