import { getConfig } from "@evershop/evershop/lib/util/getConfig"
import { getBaseUrl } from "@evershop/evershop/lib/util/getBaseUrl"
import { pool } from "@evershop/evershop/lib/postgres"
import { warning } from "@evershop/evershop/lib/log"
import { getStoreCurrency } from "@evershop/evershop/setting/services"
import type { Product } from "@chatbot-node/domain"
import { Option } from "effect"
import { getStatement, searchStatement, toProduct } from "./ProductRows.js"
import type { Lookup } from "./Lookup.js"
import { makeRateLimit } from "./RateLimit.js"
import { readSettings, type Settings } from "./Settings.js"

let cached: Settings | undefined

/** The extension's settings in this EverShop process, read once; problems are logged. */
export const settings = (): Settings => {
  if (cached === undefined) {
    const read = readSettings(getConfig("chatbot", {}), process.env)
    read.problems.forEach((p) => warning(`[chatbot] ${p}`))
    cached = read.settings
  }
  return cached
}

let limiter: ReturnType<typeof makeRateLimit> | undefined

/** The product look-up routes' guard: the shared secret when one is set, else a rate limit per client address. */
export const guard = (request: { headers: Record<string, string | Array<string> | undefined>; ip?: string | undefined }):
  | { readonly ok: true }
  | { readonly ok: false; readonly status: number; readonly message: string; readonly retryAfter?: number } => {
  const s = settings()
  if (s.secret !== undefined) {
    const header = request.headers.authorization
    const given = (typeof header === "string" ? /^Bearer\s+(\S+)/i.exec(header)?.[1] : undefined) ?? request.headers["x-chatbot-secret"]
    return given === s.secret ? { ok: true } : { ok: false, status: 401, message: "A valid shared secret is required." }
  }
  limiter ??= makeRateLimit(s.lookupsPerMinute)
  const taken = limiter.take(request.ip ?? "unknown", Date.now())
  return taken.allowed ? { ok: true } : { ok: false, status: 429, message: "Too many look-ups. Please wait a moment.", retryAfter: taken.retryAfterSeconds }
}

const currency = () => {
  try {
    return getStoreCurrency() || "USD"
  } catch {
    return "USD"
  }
}

/** Answers a look-up from the shop's database, as the storefront shows products. */
export const lookup = async (request: Lookup): Promise<ReadonlyArray<Product.Product>> => {
  const statement = request._tag === "Search" ? searchStatement(request.query) : getStatement(request.idOrSku)
  const { rows } = await pool.query(statement.text, statement.values)
  const options = { baseUrl: getBaseUrl(), currency: currency() }
  return rows.flatMap((row) => Option.toArray(toProduct(row, options)))
}

/** Reads a JSON body (up to 64 KiB) unless a body parser already did. */
export const jsonBody = async (request: NodeJS.ReadableStream & { body?: unknown }): Promise<unknown> => {
  if (request.body !== undefined && typeof request.body === "object" && request.body !== null && Object.keys(request.body).length > 0) return request.body
  const chunks: Array<Buffer> = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > 64 * 1024) throw new Error("body too large")
    chunks.push(chunk as Buffer)
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"))
}
