import { ChatEvent, Ids } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Option } from "effect"
import { FastCheck as fc } from "effect"
import { mergeDeltas, type Outgoing } from "../../src/realtime/MergeDeltas.js"

const shopId = Ids.ShopId.make("s")
const conv = (n: number) => Ids.ConversationId.make(`c${n}`.padEnd(22, "0"))
const reply = (n: number) => Ids.MessageId.make(`r${n}`.padEnd(22, "0"))
const delta = (c: number, r: number, text: string): Outgoing => ({ shopId, conversationId: conv(c), event: new ChatEvent.Delta({ replyId: reply(r), text }) })
const done = (c: number, r: number): Outgoing => ({ shopId, conversationId: conv(c), event: new ChatEvent.Done({ conversationId: conv(c), replyId: Option.some(reply(r)), status: "complete" }) })

describe("mergeDeltas", () => {
  it("joins a reply's deltas, across other conversations' events, but not across its own", () => {
    const merged = mergeDeltas([delta(1, 1, "Hel"), delta(2, 2, "Ho"), delta(1, 1, "lo"), done(2, 2), delta(1, 1, "!"), done(1, 1), delta(1, 3, "Next")])
    expect(merged.map((o) => [o.conversationId, o.event._tag, o.event._tag === "delta" ? o.event.text : ""])).toEqual([
      [conv(1), "delta", "Hello!"],
      [conv(2), "delta", "Ho"],
      [conv(2), "done", ""],
      [conv(1), "done", ""],
      [conv(1), "delta", "Next"]
    ])
  })

  it("keeps every conversation's text and the order of its events (property)", () => {
    const item = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.boolean(), fc.string({ maxLength: 4 }))
      .map(([c, r, isDelta, text]) => (isDelta ? delta(c, r, text) : done(c, r)))
    fc.assert(
      fc.property(fc.array(item, { maxLength: 60 }), (batch) => {
        const merged = mergeDeltas(batch)
        for (let c = 0; c <= 3; c++) {
          // Per conversation: the same sequence of (tag, reply) after collapsing runs of one reply's deltas, and the same text.
          const shape = (xs: ReadonlyArray<Outgoing>) =>
            xs.filter((o) => o.conversationId === conv(c)).map((o) => o.event._tag === "delta" ? `d:${o.event.replyId}` : `x:${o.event._tag}`)
              .filter((s, i, all) => !(s.startsWith("d:") && all[i - 1] === s))
          const text = (xs: ReadonlyArray<Outgoing>) => xs.filter((o) => o.conversationId === conv(c)).map((o) => (o.event._tag === "delta" ? o.event.text : "|")).join("")
          expect(shape(merged)).toEqual(shape(batch))
          expect(text(merged)).toBe(text(batch))
        }
        expect(merged.length).toBeLessThanOrEqual(batch.length)
      }),
      { numRuns: 1000 }
    )
  })
})
