import { randomBytes } from "node:crypto"
import type { Fault } from "./Faults.js"
import { chunkText, phrases } from "./Language.js"
import type { Step } from "./ChatPlayer.js"
import { nextId, nowSeconds } from "./SimIds.js"
import type { SimChat, SimConversation, SimMessage } from "./SimState.js"

/** The Chat object as Coze serves it (without the simulator's own fields). */
export const publicChat = (chat: SimChat): Record<string, unknown> => {
  const { question: _q, language: _l, kind: _k, messages: _m, ...wire } = chat
  return wire
}

/** The Message object as Coze serves it. */
export const publicMessage = (m: SimMessage): SimMessage => ({ ...m })

const newMessage = (chat: SimChat, type: string, content: string): SimMessage => {
  const now = nowSeconds()
  return {
    id: nextId(), conversation_id: chat.conversation_id, bot_id: chat.bot_id, chat_id: chat.id, role: "assistant",
    type, content, content_type: "text", meta_data: {}, created_at: now, updated_at: now, section_id: chat.section_id
  }
}

/** The building blocks of a scripted chat, bound to one chat in one conversation. */
export class ChatScript {
  private outputTokens = 0

  constructor(
    private readonly conversation: SimConversation,
    private readonly chat: SimChat,
    private readonly variant: number
  ) {}

  private store(m: SimMessage): void {
    if (this.chat.status === "canceled") return
    this.chat.messages.push(m)
    this.conversation.messages.push(m)
  }

  private setStatus(status: SimChat["status"]): void {
    if (this.chat.status === "canceled") return
    this.chat.status = status
  }

  created(): Step {
    return { event: "conversation.chat.created", run: () => publicChat(this.chat) }
  }

  inProgress(): Step {
    return { event: "conversation.chat.in_progress", run: () => {
      if (this.chat.status !== "canceled") {
        this.chat.status = "in_progress"
        this.conversation.runningChatId = this.chat.id
      }
      return publicChat(this.chat)
    } }
  }

  /** Deltas grouped under one message id, then the completed answer. */
  answer(text: string): Array<Step> {
    const message = newMessage(this.chat, "answer", text)
    const chunks = chunkText(text, this.chat.language)
    this.outputTokens += chunks.length
    const deltas: Array<Step> = chunks.map((content) => ({
      event: "conversation.message.delta", delta: true, run: () => ({ ...message, content })
    }))
    return [...deltas, this.completed(message)]
  }

  completed(message: SimMessage): Step {
    return { event: "conversation.message.completed", run: () => {
      message.updated_at = nowSeconds()
      this.store(message)
      return publicMessage(message)
    } }
  }

  message(type: string, content: string): Step {
    return this.completed(newMessage(this.chat, type, content))
  }

  answerFinished(): Step {
    return this.message("verbose", JSON.stringify({
      msg_type: "generate_answer_finish", data: "{\"finish_reason\":0,\"FinData\":\"\"}", from_module: null, from_unit: null
    }))
  }

  followUps(): Array<Step> {
    return phrases[this.chat.language].followUps.map((q) => this.message("follow_up", q))
  }

  /** A function_call message whose content carries unquoted 19-digit numbers, then its tool_response. */
  pluginCall(): Array<Step> {
    const args = JSON.stringify({ query: this.chat.question, limit: 3 })
    const call = `{"name":"shop_catalog-get_product_list","arguments":${args},"plugin_id":7281192623887548473,` +
      `"plugin_name":"shop_catalog","api_id":7281192623887548474,"api_name":"get_product_list","plugin_type":1,"thought":"search the catalog"}`
    const result = JSON.stringify({ content_type: 1, type_for_model: 1, response_for_model: JSON.stringify([
      { id: "1001", name: "Canvas sneaker", price: "59.00" }, { id: "1002", name: "Leather boot", price: "129.00" },
      { id: "1003", name: "Running shoe", price: "89.00" }
    ]) })
    return [this.message("function_call", call), this.message("tool_response", result)]
  }

  requiresAction(): Step {
    return { event: "conversation.chat.requires_action", run: () => {
      if (this.chat.status !== "canceled") {
        this.chat.status = "requires_action"
        this.chat.required_action = { type: "submit_tool_outputs", submit_tool_outputs: { tool_calls: [{
          id: randomBytes(30).toString("base64"), type: "function",
          function: { name: "get_product_list", arguments: JSON.stringify({ query: this.chat.question, limit: 3 }) },
          require_info: null
        }] } }
        this.chat.usage = this.usage()
        this.store(newMessage(this.chat, "verbose", JSON.stringify({ msg_type: "interrupt", data: "", from_module: null, from_unit: null })))
      }
      this.release()
      return publicChat(this.chat)
    } }
  }

  private usage(): Record<string, number> {
    const input = Math.ceil(this.chat.question.length / 4) + 20
    return this.variant % 2 === 0
      ? { token_count: input + this.outputTokens, output_count: this.outputTokens, input_count: input }
      : { token_count: input + this.outputTokens, output_tokens: this.outputTokens, input_tokens: input }
  }

  private release(): void {
    if (this.conversation.runningChatId === this.chat.id) this.conversation.runningChatId = undefined
  }

  chatCompleted(): Step {
    return { event: "conversation.chat.completed", run: () => {
      this.setStatus("completed")
      this.chat.completed_at = nowSeconds()
      this.chat.usage = this.usage()
      delete this.chat.required_action
      this.release()
      return publicChat(this.chat)
    } }
  }

  chatFailed(code: number, msg: string): Step {
    return { event: "conversation.chat.failed", run: () => {
      this.setStatus("failed")
      this.chat.failed_at = nowSeconds()
      this.chat.last_error = { code, msg }
      this.release()
      return this.variant % 2 === 0 ? publicChat(this.chat) : { code, msg }
    } }
  }

  errorEvent(code: number, msg: string): Step {
    return { event: "error", run: () => {
      this.setStatus("failed")
      this.chat.last_error = { code, msg }
      this.release()
      return { code, msg }
    } }
  }

  done(): Step {
    return { event: "done", run: () => "[DONE]" }
  }

  /** The whole script of a fresh chat for the chat's bot kind. */
  turn(faults: ReadonlyArray<Fault>): Array<Step> {
    const p = phrases[this.chat.language]
    const q = this.chat.question
    const body: Array<Step> = []
    switch (this.chat.kind) {
      case "plain":
        body.push(...this.answer(p.answer(q)), this.answerFinished())
        break
      case "long":
        body.push(...this.answer(Array.from({ length: 12 }, () => p.answer(q)).join(" ")), this.answerFinished())
        break
      case "markup": {
        const call = `<|FunctionCallBegin|>[{"name":"get_product_list","parameters":${JSON.stringify({ query: q, limit: 3 })}}]<|FunctionCallEnd|>`
        body.push(...this.answer(p.markupBefore + call + p.markupAfter), this.answerFinished())
        break
      }
      case "followUps":
        body.push(...this.answer(p.answer(q)), this.answerFinished(), ...this.followUps())
        break
      case "functionCall":
        body.push(...this.pluginCall(), ...this.answer(p.functionAnswer), this.answerFinished())
        break
      case "toolCall":
        return this.finish([this.created(), this.inProgress(), this.requiresAction(), this.done()], faults)
    }
    return this.finish([this.created(), this.inProgress(), ...body, this.chatCompleted(), this.done()], faults)
  }

  /** The continuation after submit_tool_outputs: an answer built from the submitted output text. */
  continuation(outputText: string, faults: ReadonlyArray<Fault>): Array<Step> {
    const p = phrases[this.chat.language]
    return this.finish([this.inProgress(), ...this.answer(p.toolAnswer(outputText)), this.answerFinished(), this.chatCompleted(), this.done()], faults)
  }

  /** Applies the `chatFailed` / `errorEvent` faults: the script stops after the given number of deltas. */
  private finish(steps: Array<Step>, faults: ReadonlyArray<Fault>): Array<Step> {
    const f = faults.find((x) => x.kind === "chatFailed" || x.kind === "errorEvent")
    if (f === undefined || (f.kind !== "chatFailed" && f.kind !== "errorEvent")) return steps
    const after = f.afterDeltas ?? 0
    let seen = 0
    let cut = steps.findIndex((s) => s.delta === true && seen++ === after)
    if (cut < 0) cut = steps.findIndex((s) => s.event === "conversation.chat.completed" || s.event === "conversation.chat.requires_action")
    const head = steps.slice(0, Math.max(cut, 2))
    return f.kind === "chatFailed"
      ? [...head, this.chatFailed(f.code ?? 5000, f.msg ?? "internal error"), this.done()]
      : [...head, this.errorEvent(f.code, f.msg)]
  }
}
