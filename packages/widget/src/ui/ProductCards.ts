import { t, type WidgetLocale } from "../i18n/strings.js"
import type { WireProduct } from "../transport/wire.js"
import { safeHref } from "./Markdown.js"

/** A price in the visitor's locale and the product's currency. */
export const formatPrice = (amount: number, currency: string, locale: WidgetLocale): string => {
  try {
    return new Intl.NumberFormat(locale === "zh" ? "zh-CN" : locale, { style: "currency", currency }).format(amount)
  } catch {
    return `${amount} ${currency}`
  }
}

/** An image or page address we show: http(s), or a path on the page's own site. */
const safeUrl = (url: string | undefined, base: string) => {
  if (url === undefined || url === "") return undefined
  return safeHref(/^https?:\/\//i.test(url) ? url : new URL(url, base).href)
}

/** Product cards (image, name, price with currency, stock, link), a horizontal list when several. */
export const renderCards = (doc: Document, products: ReadonlyArray<WireProduct>, locale: WidgetLocale, base: string, cart = false): HTMLElement => {
  const list = doc.createElement("ul")
  list.className = products.length === 1 ? "cards one" : "cards"
  list.setAttribute("aria-label", t(locale, "products"))
  list.style.listStyle = "none"
  list.style.margin = "0"
  for (const p of products) {
    const card = doc.createElement("li")
    card.className = "card"
    const image = safeUrl(p.imageUrl, base)
    if (image !== undefined) {
      const img = doc.createElement("img")
      img.src = image
      img.alt = ""
      img.loading = "lazy"
      img.width = 168
      img.height = 112
      card.append(img)
    }
    const body = doc.createElement("div")
    body.className = "c"
    const name = doc.createElement("h3")
    name.textContent = p.name
    const price = doc.createElement("span")
    price.className = "price"
    price.textContent = formatPrice(p.price.amount, p.price.currency, locale)
    const stock = doc.createElement("span")
    const left = p.stockQuantity
    stock.className = p.inStock ? "stock" : "stock out"
    stock.textContent = !p.inStock ? t(locale, "outOfStock") : left !== undefined && left <= 5 ? t(locale, "fewLeft", { n: left }) : t(locale, "inStock")
    body.append(name, price, stock)
    const href = safeUrl(p.url, base)
    if (href !== undefined) {
      const link = doc.createElement("a")
      link.href = href
      link.target = "_blank"
      link.rel = "noopener noreferrer"
      link.textContent = t(locale, "view")
      const hidden = doc.createElement("span")
      hidden.className = "sr"
      hidden.textContent = `: ${p.name}`
      link.append(hidden)
      body.append(link)
    }
    if (cart && p.inStock) {
      const add = doc.createElement("button")
      add.type = "button"
      add.className = "add"
      add.textContent = t(locale, "addToCart")
      add.addEventListener("click", () => doc.defaultView?.dispatchEvent(new CustomEvent("chatbot:add-to-cart", { detail: { sku: p.sku, productId: p.id } })))
      body.append(add)
    }
    card.append(body)
    list.append(card)
  }
  return list
}
