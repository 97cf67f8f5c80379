import { ChatEvent, Ids } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, FastCheck, Option, Schema } from "effect"
import * as EncodedEvents from "../../src/socketio/EncodedEvents.js"

const encodeBySchema = Schema.encodeSync(ChatEvent.ChatEvent)

describe("EncodedEvents.chatEvent", () => {
  it("encodes a delta exactly as the schema does, whatever its text", () => {
    FastCheck.assert(FastCheck.property(Arbitrary.make(Ids.MessageId), FastCheck.fullUnicodeString(), (replyId, text) => {
      const event = new ChatEvent.Delta({ replyId, text }, true)
      expect(EncodedEvents.chatEvent(event)).toStrictEqual(encodeBySchema(event))
    }))
  })

  it("encodes other events through the schema, once per event", () => {
    const event = new ChatEvent.Done({ conversationId: Ids.ConversationId.make("c".repeat(22)), replyId: Option.some(Ids.MessageId.make("m".repeat(22))), status: "complete" })
    const encoded = EncodedEvents.chatEvent(event)
    expect(encoded).toStrictEqual(encodeBySchema(event))
    expect(EncodedEvents.chatEvent(event)).toBe(encoded)
  })
})
