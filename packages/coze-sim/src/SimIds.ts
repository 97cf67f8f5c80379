import { randomBytes, randomInt } from "node:crypto"

let sequence = 0

/** A fresh 19-digit id string, as Coze uses for conversations, chats, messages and bots. */
export const nextId = (): string => {
  sequence = (sequence + 1) % 1_000_000
  const head = String(7_000_000_000 + randomInt(0, 999_999_999)).padStart(10, "7")
  return `7${head.slice(1)}${String(Date.now() % 1000).padStart(3, "0")}${String(sequence).padStart(6, "0")}`
}

/** A log id in Coze's shape: a UTC timestamp to the millisecond followed by 17 upper-case hex digits. */
export const nextLogId = (): string => {
  const d = new Date()
  const p = (n: number, w = 2) => String(n).padStart(w, "0")
  const stamp = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}` +
    `${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}${p(d.getUTCMilliseconds(), 3)}`
  return stamp + randomBytes(9).toString("hex").toUpperCase().slice(0, 17)
}

/** A random opaque token with the given prefix (`pat_`, `czs_`). */
export const randomToken = (prefix: string): string => prefix + randomBytes(30).toString("base64url")

/** Unix seconds now. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000)
