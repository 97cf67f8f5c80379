import { Effect } from "effect"
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto"

/** scrypt cost parameters; kept in every hash string so they can change without breaking old hashes. */
export interface ScryptParams {
  readonly N: number
  readonly r: number
  readonly p: number
}

/** The parameters new hashes use: N=2^15, r=8 (32 MiB, tens of milliseconds per check), p=1. */
export const defaultParams: ScryptParams = { N: 2 ** 15, r: 8, p: 1 }

const keyLength = 32

const derive = (password: string, salt: Buffer, params: ScryptParams, length: number) =>
  Effect.async<Buffer, Error>((resume) => {
    scrypt(password.normalize("NFKC"), salt, length, { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 }, (error, key) =>
      resume(error === null ? Effect.succeed(key) : Effect.fail(error)))
  })

/** Hashes a password with scrypt and a random 16-byte salt: `scrypt$N=..,r=..,p=..$<salt>$<key>` (base64url). */
export const hash = (password: string, params: ScryptParams = defaultParams): Effect.Effect<string> =>
  Effect.gen(function*() {
    const salt = randomBytes(16)
    const key = yield* Effect.orDie(derive(password, salt, params, keyLength))
    return `scrypt$N=${params.N},r=${params.r},p=${params.p}$${salt.toString("base64url")}$${key.toString("base64url")}`
  })

const parse = (stored: string) => {
  const match = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored)
  if (match === null) return undefined
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return undefined
  return { params: { N, r, p }, salt: Buffer.from(match[4]!, "base64url"), key: Buffer.from(match[5]!, "base64url") }
}

/** A well-formed hash nothing matches, checked when the account does not exist so that both cases take as long. */
export const decoy = `scrypt$N=${defaultParams.N},r=${defaultParams.r},p=${defaultParams.p}$${randomBytes(16).toString("base64url")}$${randomBytes(keyLength).toString("base64url")}`

/** Whether the password matches the stored hash (constant-time comparison; a malformed hash never matches). */
export const verify = (password: string, stored: string): Effect.Effect<boolean> =>
  Effect.gen(function*() {
    const parsed = parse(stored)
    if (parsed === undefined || parsed.key.length < 16) return false
    const key = yield* derive(password, parsed.salt, parsed.params, parsed.key.length).pipe(Effect.orElseSucceed(() => Buffer.alloc(0)))
    return key.length === parsed.key.length && timingSafeEqual(key, parsed.key)
  })
