import type { Locale } from "../model/Locale.js"

/**
 * Every sentence the system itself says to a visitor, in English. The other locales must have the
 * same keys with the same `{placeholders}`, or they fail the type check.
 */
const en = {
  greeting: "Hi! I'm the shop's assistant. Ask me about products, prices, stock or shipping.",
  demoNotice: "This is a demo assistant: it answers from a sample catalog, not from a real shop.",
  botUnavailable: "The assistant can't answer right now. Please try again in a moment, or ask for a person.",
  botBusy: "I'm still answering your previous message. One moment, please.",
  rateLimited: "You're sending messages too quickly. Please wait {seconds} seconds and try again.",
  messageTooLong: "Your message is too long (at most {max} characters). Please shorten it.",
  emptyMessage: "Please type a message.",
  humanRequested: "I've asked a person from our team to join. They'll reply here as soon as they can.",
  agentJoined: "{name} from our team has joined the conversation.",
  agentLeft: "{name} has left the conversation. The assistant will answer from here.",
  conversationClosed: "This conversation has been closed. Write again any time to start a new one.",
  notFound: "This conversation could not be found.",
  forbidden: "You are not allowed to do that.",
  badRequest: "The request could not be understood.",
  genericError: "Something went wrong. Please try again."
} as const

type Key = keyof typeof en
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false

/** A locale's sentences: each must keep exactly the English sentence's placeholders. */
type Checked<T extends Record<Key, string>> = {
  readonly [K in Key]: Same<Placeholders<T[K]>, Placeholders<(typeof en)[K]>> extends true ? T[K] : `placeholders must be those of: ${(typeof en)[K]}`
}
const define = <const T extends Record<Key, string>>(sentences: T & Checked<T>): Record<Key, string> => sentences

const zh = define({
  greeting: "您好！我是店铺助手，可以问我商品、价格、库存或配送方面的问题。",
  demoNotice: "这是演示助手：回答来自示例商品目录，而不是真实店铺。",
  botUnavailable: "助手暂时无法回答，请稍后再试，或联系人工客服。",
  botBusy: "我还在回答您的上一条消息，请稍候。",
  rateLimited: "您发送消息太频繁了，请等待 {seconds} 秒后再试。",
  messageTooLong: "您的消息太长了（最多 {max} 个字符），请缩短后再发送。",
  emptyMessage: "请输入消息内容。",
  humanRequested: "已为您转接人工客服，工作人员会尽快在这里回复您。",
  agentJoined: "客服 {name} 已加入对话。",
  agentLeft: "客服 {name} 已离开对话，接下来由助手为您服务。",
  conversationClosed: "本次对话已结束。如有需要，随时可以再次发送消息开始新的对话。",
  notFound: "找不到该对话。",
  forbidden: "您没有权限执行此操作。",
  badRequest: "无法识别该请求。",
  genericError: "出了点问题，请重试。"
})

const es = define({
  greeting: "¡Hola! Soy el asistente de la tienda. Pregúntame por productos, precios, existencias o envíos.",
  demoNotice: "Este es un asistente de demostración: responde con un catálogo de ejemplo, no con una tienda real.",
  botUnavailable: "El asistente no puede responder ahora. Inténtalo de nuevo en un momento o pide hablar con una persona.",
  botBusy: "Todavía estoy respondiendo a tu mensaje anterior. Un momento, por favor.",
  rateLimited: "Estás enviando mensajes demasiado rápido. Espera {seconds} segundos e inténtalo de nuevo.",
  messageTooLong: "Tu mensaje es demasiado largo (máximo {max} caracteres). Acórtalo, por favor.",
  emptyMessage: "Escribe un mensaje, por favor.",
  humanRequested: "He pedido que una persona de nuestro equipo se una. Te responderá aquí lo antes posible.",
  agentJoined: "{name}, de nuestro equipo, se ha unido a la conversación.",
  agentLeft: "{name} ha salido de la conversación. El asistente te responderá a partir de ahora.",
  conversationClosed: "Esta conversación se ha cerrado. Escribe de nuevo cuando quieras para empezar otra.",
  notFound: "No se encontró esta conversación.",
  forbidden: "No tienes permiso para hacer eso.",
  badRequest: "No se pudo entender la solicitud.",
  genericError: "Algo salió mal. Inténtalo de nuevo."
})

/** The keys of every system sentence. */
export type MessageKey = Key

/** The placeholders a sentence takes, e.g. `{ seconds: number }` for `rateLimited`. */
export type MessageParams<K extends Key> = [Placeholders<(typeof en)[K]>] extends [never]
  ? {}
  : { readonly [P in Placeholders<(typeof en)[K]>]: string | number }

export const catalogs: Readonly<Record<Locale, Record<Key, string>>> = { en, zh, es }

export const messageKeys = Object.keys(en) as ReadonlyArray<Key>

/** The sentence `key` in `locale`, with its placeholders filled. */
export const t = <K extends Key>(locale: Locale, key: K, ...params: [keyof MessageParams<K>] extends [never] ? [] : [MessageParams<K>]): string => {
  const template = catalogs[locale][key]
  const values = (params[0] ?? {}) as Record<string, string | number>
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole))
}

/** The placeholder names in a sentence, for checks. */
export const placeholdersOf = (sentence: string): ReadonlyArray<string> =>
  Array.from(sentence.matchAll(/\{(\w+)\}/g), (m) => m[1] ?? "").sort()
