import { Effect } from "effect"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

/** A product row as the stand-in keeps it (EverShop's columns, storefront rules applied on read). */
export interface StandInProduct {
  readonly productId: number
  readonly sku: string
  readonly name: string
  readonly description: string
  readonly price: number
  readonly urlKey: string
  readonly categoryId: number | null
  readonly status: 0 | 1
  readonly inStock: boolean
  readonly image: string | null
}

/** What the stand-in does with the next requests. */
export type Fault = "none" | "http500" | "graphqlError" | "slow" | "notJson" | "badShape"

/** A real HTTP server on 127.0.0.1 answering the GraphQL documents the EverShop adapter sends, with EverShop's filter semantics. */
export interface EverShopStandIn {
  url: string
  readonly requests: Array<{ readonly query: string; readonly variables: Record<string, unknown> }>
  fault: Fault
  showOutOfStock: boolean
  products: Array<StandInProduct>
}

const categories = [
  { categoryId: 1, name: "Kitchen" },
  { categoryId: 2, name: "Office" },
  { categoryId: 3, name: "Kitchen Textiles" }
]

/** The fixture: cups, pen holders, a thermos out of stock, a disabled vase. */
export const fixture = (): Array<StandInProduct> => [
  { productId: 1, sku: "CUP-001-WHT", name: "Ceramic Coffee Cup - White", description: "A white cup for coffee", price: 15, urlKey: "ceramic-coffee-cup-white", categoryId: 1, status: 1, inStock: true, image: "/assets/catalog/cup-white.png" },
  { productId: 2, sku: "CUP-001-BLK", name: "Ceramic Coffee Cup - Black", description: "A black cup for coffee", price: 15, urlKey: "ceramic-coffee-cup-black", categoryId: 1, status: 1, inStock: true, image: null },
  { productId: 3, sku: "PEN-002-WHT", name: "Desk Pen Holder - White", description: "Holds pens", price: 12, urlKey: "desk-pen-holder-white", categoryId: 2, status: 1, inStock: true, image: null },
  { productId: 4, sku: "THERMO-005-BLK", name: "Stainless Steel Thermos - Black", description: "Keeps coffee hot", price: 35, urlKey: "stainless-steel-thermos-black", categoryId: 1, status: 1, inStock: false, image: null },
  { productId: 5, sku: "VASE-004-GRN", name: "Modern Ceramic Vase - Green", description: "A vase", price: 25, urlKey: "modern-ceramic-vase-green", categoryId: 2, status: 0, inStock: true, image: null },
  { productId: 6, sku: "CUPS-SET", name: "Espresso Cups Set", description: "Four small cups", price: 30, urlKey: "espresso-cups-set", categoryId: 1, status: 1, inStock: true, image: null }
]

interface FilterInput { readonly key: string; readonly operation: string; readonly value: string }

const words = (s: string) => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== "")

/** `websearch_to_tsquery('simple', ...)`: words AND-ed, `or` between them OR-ed; whole words, no stemming. */
const fullText = (text: string, query: string) => {
  const have = new Set(words(text))
  return query.toLowerCase().split(/\s+or\s+/).some((group) => words(group).every((w) => have.has(w)))
}

const toWire = (p: StandInProduct) => ({
  productId: p.productId,
  sku: p.sku,
  name: p.name,
  status: p.status,
  visibility: 1,
  url: `/${p.urlKey}`,
  metaDescription: p.description,
  price: { regular: { value: p.price, currency: "USD" } },
  inventory: { isInStock: p.inStock },
  image: p.image === null ? null : { url: p.image },
  category: p.categoryId === null ? null : categories.find((c) => c.categoryId === p.categoryId) ?? null
})

const collection = (state: EverShopStandIn, filters: ReadonlyArray<FilterInput>) => {
  let rows = state.products.filter((p) => p.status === 1 && (state.showOutOfStock || p.inStock))
  let limit = 20
  for (const f of filters) {
    if (f.key === "keyword") rows = rows.filter((p) => fullText(`${p.name} ${p.description}`, f.value))
    else if (f.key === "name") rows = rows.filter((p) => p.name.toLowerCase().includes(f.value.toLowerCase()))
    else if (f.key === "min_price") rows = rows.filter((p) => p.price >= Number(f.value))
    else if (f.key === "max_price") rows = rows.filter((p) => p.price <= Number(f.value))
    else if (f.key === "cat") rows = rows.filter((p) => f.value.split(",").map(Number).includes(p.categoryId ?? -1))
    else if (f.key === "sku") rows = rows.filter((p) => f.value.split(",").includes(p.sku))
    else if (f.key === "limit") limit = Number(f.value)
  }
  return { items: rows.sort((a, b) => b.productId - a.productId).slice(0, limit).map(toWire) }
}

const answer = (state: EverShopStandIn, body: { query: string; variables: Record<string, unknown> }) => {
  const data: Record<string, unknown> = {}
  for (const m of body.query.matchAll(/(\w+): products\(filters: \$(\w+)\)/g)) {
    data[m[1]!] = collection(state, (body.variables[m[2]!] ?? []) as ReadonlyArray<FilterInput>)
  }
  for (const m of body.query.matchAll(/(\w+): product\(id: (\d+)\)/g)) {
    const p = state.products.find((x) => x.productId === Number(m[2]))
    data[m[1]!] = p === undefined ? null : toWire(p)
  }
  if (/categories\(filters: \$f\)/.test(body.query)) {
    const like = String(((body.variables.f ?? []) as ReadonlyArray<FilterInput>)[0]?.value ?? "").toLowerCase()
    data.categories = { items: categories.filter((c) => c.name.toLowerCase().includes(like)) }
  }
  return { data }
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
  })

/** Starts the stand-in for the scope's lifetime. */
export const start = Effect.acquireRelease(
  Effect.async<{ state: EverShopStandIn; close: () => Promise<void> }>((resume) => {
    const state: EverShopStandIn = { url: "", requests: [], fault: "none", showOutOfStock: true, products: fixture() }
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      void readBody(req).then((raw) => {
        if (req.method !== "POST" || req.url !== "/api/graphql") {
          res.writeHead(404).end()
          return
        }
        const body = JSON.parse(raw) as { query: string; variables: Record<string, unknown> }
        state.requests.push(body)
        const json = (status: number, value: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value))
        switch (state.fault) {
          case "http500":
            return json(500, { error: { status: 500, message: "boom" } })
          case "graphqlError":
            return json(200, { errors: [{ message: "Cannot query field \"x\"" }], data: null })
          case "notJson":
            return res.writeHead(502, { "content-type": "text/html" }).end("<html>Bad gateway</html>")
          case "badShape":
            return json(200, { data: Object.fromEntries(Object.keys(answer(state, body).data).map((k) => [k, { items: [{ productId: "x" }] }])) })
          case "slow":
            return void setTimeout(() => json(200, answer(state, body)), 2_000)
          default:
            return json(200, answer(state, body))
        }
      })
    })
    server.listen(0, "127.0.0.1", () => {
      state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      resume(Effect.succeed({
        state,
        close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()) })
      }))
    })
  }),
  ({ close }) => Effect.promise(close)
).pipe(Effect.map(({ state }) => state))
