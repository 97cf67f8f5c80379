import { Ids, Locale, Product, Shop, Bot } from "@chatbot-node/domain"
import type { ProductCatalog } from "@chatbot-node/domain"
import type { Layer } from "effect"
import { Option } from "effect"
import * as MemoryProductCatalog from "../../memory/MemoryProductCatalog.js"
import { categories, products } from "./DemoProducts.js"

/** Where the demo catalog's product pages and images live (the server's public URL). */
export interface DemoCatalogOptions {
  readonly baseUrl: string
}

/** The path under the base URL where a demo product's image is served. */
export const imagePath = (productId: string): string => `/demo/images/${productId}.svg`

/** The demo catalog's products, each in zh, en and es. */
export const localizedProducts = (options: DemoCatalogOptions): ReadonlyArray<MemoryProductCatalog.LocalizedProduct> => {
  const base = options.baseUrl.replace(/\/+$/, "")
  return products.map((p) => {
    const category = categories.find((c) => c.id === p.category)
    const entries = Locale.locales.map((locale) => {
      const [name, description] = p.text[locale]
      return [locale, new Product.Product({
        id: p.id,
        sku: `DEMO-${p.id.toUpperCase()}`,
        name,
        description,
        price: new Product.Money({ amount: p.price, currency: "USD" }),
        url: `${base}/#product-${p.id}`,
        imageUrl: `${base}${imagePath(p.id)}`,
        inStock: p.stock > 0,
        stockQuantity: p.stock,
        category: category?.names[locale] ?? p.category
      })] as const
    })
    return Object.fromEntries(entries) as MemoryProductCatalog.LocalizedProduct
  })
}

/** The demo catalog (24 products, six categories, zh/en/es) as a ProductCatalog layer. */
export const layer = (options: DemoCatalogOptions): Layer.Layer<ProductCatalog> =>
  MemoryProductCatalog.layer(localizedProducts(options))

/** The demo bot's id. */
export const demoBotId = Ids.BotId.make("demo")

/** The demo bot as a shop lists it. */
export const demoBot = new Bot.Bot({ id: demoBotId, name: "Demo assistant", provider: "demo", description: "Answers offline from the demo catalog." })

/** The demo shop: the demo bot, anonymous `userId`s allowed (the seed's API), English by default. */
export const demoShop = (id: string = "demo"): Shop.Shop =>
  new Shop.Shop({
    id: Ids.ShopId.make(id),
    name: "Demo shop",
    defaultLocale: "en",
    allowedOrigins: [],
    bots: [demoBot],
    defaultBotId: demoBotId,
    routingRules: [],
    allowAnonymousUserId: true,
    retentionDays: Option.none()
  })
