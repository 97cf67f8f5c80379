import { describe, expect, it } from "@effect/vitest"
import { HubFeed } from "@chatbot-node/domain"
import { FastCheck } from "effect"

describe("HubFeed.holding", () => {
  it.prop("delivers nothing before release, then what it held and everything after, in order", [FastCheck.array(FastCheck.integer()), FastCheck.array(FastCheck.integer())], ([before, after]) => {
    const delivered: Array<number> = []
    const live = HubFeed.holding<number>((n) => { delivered.push(n) })
    for (const n of before) live.listener(n)
    expect(delivered).toEqual([])
    live.release()
    expect(delivered).toEqual(before)
    for (const n of after) live.listener(n)
    expect(delivered).toEqual([...before, ...after])
  })
})
