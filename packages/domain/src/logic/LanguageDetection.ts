import { Option } from "effect"
import type { Locale } from "../model/Locale.js"

/** What `detect` found: a locale (none when the text gives no evidence or a tie) and how sure it is, 0..1. */
export interface Detection {
  readonly locale: Option.Option<Locale>
  readonly confidence: number
}

/** The confidence from which a detection overrides a conversation's current locale. */
export const confidentThreshold = 0.8

/** Whether a detection is strong enough to change a conversation's locale. */
export const isConfident = (detection: Detection): boolean =>
  Option.isSome(detection.locale) && detection.confidence >= confidentThreshold

// Each Han character weighs this much: one character is a hint, two ("你好", "在吗") are confident.
const hanWeight = 1.5
// Evidence `w` gives strength 1 - e^(-w / scale): one word ≈ 0.56, two ≈ 0.81, three ≈ 0.92.
const scale = 1.2

// Words that say "Spanish" in a shop chat, written without accents (lookup strips them).
const spanish = new Set(
  `hola buenas buenos dias tardes noches gracias adios chao saludos vale bueno bien muy mucho mucha
  muchas muchos favor quiero queria quisiera necesito busco buscando tengo tiene tienen tienes hay
  puedo puede pueden podria podrian precio precios cuanto cuanta cuantos cuantas cuesta cuestan
  costo cuesta envio envios enviar envian envia gratis gratuito llega llegar llegan llego tarda tardan
  demora dias semana semanas talla tallas zapatos zapatillas camisa camiseta pantalon pantalones
  vestido chaqueta bolso reloj funda cargador devolucion devoluciones devolver reembolso cambio
  cambiar garantia pedido pedidos compra comprar compre pagar pago tarjeta efectivo descuento
  descuentos oferta ofertas cupon codigo barato barata caro cara disponible disponibles existencia
  tienda donde cuando como cual cuales que quien porque esta este esto estos estas ese esa eso estan
  estoy estaba soy eres sera tambien todavia aun ahora hoy manana ayer ayuda ayudar ayudarme
  necesita negro negra blanco blanca rojo roja azul verde gris rosa grande pequeno pequena mediano
  mediana nuevo nueva nuevos usado otro otra otros algo nada todo todos el la los las lo le les un
  una unos unas y o de del al en con sin por para pero mi mis tu tus su sus se te nos mas menos si
  ya hasta desde entre sobre cada estado seguimiento rastrear numero direccion correo cancelar
  recibi recibido llegado roto danado equivocado producto productos articulo modelo marca tamano
  calidad entrega domicilio aqui alli hacen hace tengan sirve funciona perfecto genial
  claro listo oye olvidalo agotado agotada factura yo usted ustedes`.split(/\s+/)
)

// Words that say "English" in a shop chat.
const english = new Set(
  `hi hello hey thanks thank you your yours the do does did have has had is are was were be been will
  would can could should i i'm my mine we our us they them it its this that these those what how
  when where which who why much many price prices cost costs costing shipping ship ships shipped
  delivery deliver delivered return returns returned refund refunds order orders ordered want need
  please of for and with to in on at from by any there yes buy bought pay paid get got free size
  sizes shoes shoe sneakers shirt shirts dress jacket bag watch case charger available still not an
  or if about item items exchange warranty store shop address cancel change track tracking package
  parcel arrive arrived arriving long take takes days day week weeks cheap cheaper discount discounts
  coupon code good morning afternoon evening bye goodbye help looking just sorry black white blue red
  green grey gray pink large small medium card payment credit wrong broken damaged received receive
  money back same other another more less than also too very new used there's here now today tomorrow
  yesterday stock quality product products model brand home soon work works fit fits
  anyone someone talk speak human agent perfect great awesome nevermind thx ty pls plz
  u ur sold out`.split(/\s+/)
)

const latinWord = /[\p{Script=Latin}'’]+/gu
const han = /\p{Script=Han}/gu
const otherScript = /[^\P{L}\p{Script=Latin}\p{Script=Han}]/gu
const spanishMark = /[ñáéíóúü]/u
const englishContraction = /['’](?:s|t|m|re|ll|ve|d)$/u
const accents = /[\u0300-\u036f]/g

const stripAccents = (word: string): string => word.normalize("NFD").replace(accents, "")
const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0

/**
 * Guesses the language of a message. Han script means Chinese (also around Latin product names);
 * otherwise common shop-chat words, Spanish marks (¿ ¡ ñ and accents) and English contractions
 * are weighed against each other. Short or ambiguous text ("ok", "iPhone 15", "123") gives no
 * locale or a low confidence.
 */
export const detect = (text: string): Detection => {
  const lower = text.normalize("NFC").toLowerCase()
  const zh = count(lower, han) * hanWeight
  const other = count(lower, otherScript) * hanWeight
  let es = (lower.includes("¿") ? 1 : 0) + (lower.includes("¡") ? 1 : 0)
  let en = 0
  for (const raw of lower.match(latinWord) ?? []) {
    const word = raw.replace(/^['’]+|['’]+$/gu, "").replace(/’/g, "'")
    if (word === "") continue
    const plain = stripAccents(word)
    const isSpanish = spanish.has(plain)
    const isEnglish = english.has(word)
    if (isSpanish && !isEnglish) es += 1
    else if (isEnglish && !isSpanish) en += 1
    else if (!isSpanish && !isEnglish) {
      if (spanishMark.test(word)) es += 1
      else if (englishContraction.test(word)) en += 1
    }
  }
  const scores: ReadonlyArray<readonly [Locale, number]> = [["zh", zh], ["en", en], ["es", es]]
  const total = zh + en + es + other
  const sorted = [...scores].sort((a, b) => b[1] - a[1])
  const [winner, top] = sorted[0]!
  const runnerUp = sorted[1]![1]
  if (top <= 0 || top === runnerUp || top <= other) return { locale: Option.none(), confidence: 0 }
  const purity = top / total
  const strength = 1 - Math.exp(-top / scale)
  return { locale: Option.some(winner), confidence: purity * strength }
}

/** What decides a conversation's locale after a message. */
export interface ResolveInput {
  readonly explicit: Option.Option<Locale>
  readonly current: Option.Option<Locale>
  readonly text: string
  readonly fallback: Locale
}

/**
 * The conversation's locale after this message: an explicit widget/page locale wins; otherwise
 * the current (sticky) locale changes only on confident evidence; with neither, detection or the fallback.
 */
export const resolve = (input: ResolveInput): Locale => {
  if (Option.isSome(input.explicit)) return input.explicit.value
  const detection = detect(input.text)
  if (Option.isSome(input.current)) {
    return isConfident(detection) ? Option.getOrThrow(detection.locale) : input.current.value
  }
  return Option.getOrElse(detection.locale, () => input.fallback)
}
