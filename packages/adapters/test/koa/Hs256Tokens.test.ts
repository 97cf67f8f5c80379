import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { SignJWT, UnsecuredJWT } from "jose"
import { make } from "../../src/koa/Hs256Tokens.js"

const secret = new TextEncoder().encode("test-secret-test-secret-test-secret!!")
const options = { secret, issuer: "chatbot-node", audience: "chatbot-node/test" }

/** A clock the test moves, in ms. */
const clock = (start = Date.UTC(2026, 10, 25, 12)) => {
  const at = { now: start }
  return { at, now: () => at.now }
}

/** How many of jose's checks went to WebCrypto while `f` ran (each HMAC job runs on libuv's thread pool). */
const countChecks = async <A>(f: () => Promise<A>) => {
  // WebCrypto has no channel of its own; its verify is the only `subtle` call these tokens make.
  const subtle = globalThis.crypto.subtle
  const original = subtle.verify
  let calls = 0
  subtle.verify = function(this: SubtleCrypto, ...args: Parameters<SubtleCrypto["verify"]>) {
    calls++
    return original.apply(this, args)
  } as SubtleCrypto["verify"]
  try {
    return { result: await f(), calls }
  } finally {
    subtle.verify = original
  }
}

describe("Hs256Tokens", () => {
  it.effect("verifies what it signed: the subject, its claims and an `exp` ttl seconds on", () =>
    Effect.gen(function*() {
      const time = clock()
      const tokens = make({ ...options, now: time.now })
      const signed = yield* tokens.sign("v-1", { shop: "shop-a" }, 600)
      expect(signed.expiresAt.getTime()).toBe(time.at.now + 600_000)
      const payload = yield* tokens.verify(signed.token)
      expect(payload).toMatchObject({ sub: "v-1", shop: "shop-a", iss: "chatbot-node", aud: "chatbot-node/test", exp: time.at.now / 1000 + 600 })
    }))

  it("checks a token with jose once, then remembers it: the same token again costs no WebCrypto check", async () => {
    const tokens = make(options)
    const { token } = await Effect.runPromise(tokens.sign("v-1", { shop: "shop-a" }, 600))
    const first = await countChecks(() => Effect.runPromise(tokens.verify(token)))
    expect(first.calls).toBe(1)
    const again = await countChecks(async () => [await Effect.runPromise(tokens.verify(token)), await Effect.runPromise(tokens.verify(token))])
    expect(again.calls).toBe(0)
    expect(again.result[1]).toEqual(first.result)
    // A remembered token answers without waiting for anything: it runs synchronously.
    expect(Effect.runSync(tokens.verify(token))).toEqual(first.result)
  })

  it("refuses a remembered token once its exp has passed, as jose does", async () => {
    const time = clock()
    const tokens = make({ ...options, now: time.now })
    const { token } = await Effect.runPromise(tokens.sign("v-1", { shop: "shop-a" }, 60))
    await Effect.runPromise(tokens.verify(token))
    time.at.now += 59_999
    expect(Either.isRight(await Effect.runPromise(Effect.either(tokens.verify(token))))).toBe(true)
    time.at.now += 1
    const late = await Effect.runPromise(Effect.either(tokens.verify(token)))
    expect(Either.isLeft(late) && late.left._tag).toBe("InvalidToken")
  })

  it("refuses tampered, foreign, unsigned, exp-less, other-audience and malformed tokens, and never remembers them", async () => {
    const tokens = make(options)
    const { token } = await Effect.runPromise(tokens.sign("v-1", { shop: "shop-a" }, 600))
    const [h, p, s] = token.split(".")
    const payload = JSON.parse(Buffer.from(p!, "base64url").toString())
    const now = Math.floor(Date.now() / 1000)
    const signedWith = (key: Uint8Array, f: (jwt: SignJWT) => SignJWT = (jwt) => jwt) =>
      f(new SignJWT({ shop: "shop-a" }).setProtectedHeader({ alg: "HS256" }).setSubject("v-1").setIssuer("chatbot-node")).sign(key)
    const refused = [
      `${h}.${Buffer.from(JSON.stringify({ ...payload, shop: "shop-b" })).toString("base64url")}.${s}`,
      await signedWith(new TextEncoder().encode("another-secret-another-secret-another"), (jwt) => jwt.setAudience("chatbot-node/test").setExpirationTime(now + 600)),
      new UnsecuredJWT({ shop: "shop-a" }).setSubject("v-1").setIssuer("chatbot-node").setAudience("chatbot-node/test").setExpirationTime(now + 600).encode(),
      await signedWith(secret, (jwt) => jwt.setAudience("chatbot-node/test")),
      await signedWith(secret, (jwt) => jwt.setAudience("chatbot-node/admin").setExpirationTime(now + 600)),
      "garbage"
    ]
    for (const bad of refused) {
      for (let i = 0; i < 2; i++) {
        const { result, calls } = await countChecks(() => Effect.runPromise(Effect.either(tokens.verify(bad))))
        expect(Either.isLeft(result)).toBe(true)
        // Checked by jose every time it comes, when it got as far as the signature: nothing remembered it.
        if (bad !== "garbage" && !bad.endsWith(".")) expect(calls).toBe(1)
      }
    }
  })

  it("remembers at most `remember` tokens, forgetting the least recently used first", async () => {
    const tokens = make({ ...options, remember: 2 })
    const [a, b, c] = await Promise.all(["a", "b", "c"].map((sub) => Effect.runPromise(Effect.map(tokens.sign(sub, {}, 600), (t) => t.token))))
    const checks = async (token: string) => (await countChecks(() => Effect.runPromise(tokens.verify(token)))).calls
    expect([await checks(a!), await checks(b!)]).toEqual([1, 1])
    expect(await checks(a!)).toBe(0) // a is now the most recent, b the least
    expect(await checks(c!)).toBe(1) // c in, b out
    expect([await checks(a!), await checks(c!), await checks(b!)]).toEqual([0, 0, 1])
  })

  it("with a key WebCrypto refuses (an empty secret), fails each check and signing instead of the process", async () => {
    const tokens = make({ ...options, secret: new Uint8Array(0) })
    // Unused for a while, as a server's tokens until the first request: the refusal must not go unhandled.
    await new Promise((resolve) => setTimeout(resolve, 50))
    const checked = await Effect.runPromise(Effect.either(tokens.verify("a.b.c")))
    expect(Either.isLeft(checked) && checked.left._tag).toBe("InvalidToken")
    const signed = await Effect.runPromiseExit(tokens.sign("v-1", {}, 60))
    expect(signed._tag).toBe("Failure")
  })
})
