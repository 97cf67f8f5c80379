import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck } from "effect"
import * as RateLimitPolicy from "../src/logic/RateLimitPolicy.js"

describe("RateLimitPolicy", () => {
  const limits = RateLimitPolicy.defaults

  it("charges a message per visitor of a shop, the same visitor id in another shop apart", () => {
    const a = RateLimitPolicy.chargesFor(limits, { _tag: "message", ip: "1.2.3.4", shopId: "s1", visitorId: "v" })
    const b = RateLimitPolicy.chargesFor(limits, { _tag: "message", ip: "1.2.3.4", shopId: "s2", visitorId: "v" })
    expect(a.map((c) => c.name)).toEqual(["visitorMessages"])
    expect(a[0]!.limit).toEqual({ points: 20, windowSeconds: 60 })
    expect(a[0]!.key).not.toBe(b[0]!.key)
  })

  it("charges messages and sign-ins per IP with their own limits", () => {
    expect(RateLimitPolicy.chargesFor(limits, { _tag: "messageFromIp", ip: "::1" })).toEqual([{ name: "ipMessages", limit: { points: 60, windowSeconds: 60 }, key: "::1" }])
    expect(RateLimitPolicy.chargesFor(limits, { _tag: "login", ip: "::1" })).toEqual([{ name: "ipLogins", limit: { points: 10, windowSeconds: 900 }, key: "::1" }])
  })

  it("tells the visitor, in their language, how many whole seconds to wait (at least 1)", () => {
    expect(RateLimitPolicy.refusal("en", 1)).toContain("1 seconds")
    expect(RateLimitPolicy.refusal("es", 12_300)).toContain("13 segundos")
    expect(RateLimitPolicy.refusal("zh", 2000)).toContain("2 秒")
  })

  it.prop("parses every points/seconds it prints", [FastCheck.integer({ min: 1, max: 1e6 }), FastCheck.integer({ min: 1, max: 1e6 })], ([points, seconds]) => {
    expect(RateLimitPolicy.parseLimit(`${points}/${seconds}`)).toEqual(Either.right({ points, windowSeconds: seconds }))
  })

  it("refuses malformed limits", () => {
    for (const bad of ["", "20", "0/60", "20/0", "-1/60", "a/b", "20/60/1"]) expect(Either.isLeft(RateLimitPolicy.parseLimit(bad))).toBe(true)
  })
})
