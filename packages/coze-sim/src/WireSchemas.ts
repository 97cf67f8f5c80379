import { Schema } from "effect"

const StringMap = Schema.Record({ key: Schema.String, value: Schema.String })

/** An input message (`EnterMessage`). */
export const EnterMessage = Schema.Struct({
  role: Schema.Literal("user", "assistant"),
  type: Schema.optional(Schema.String),
  content: Schema.optional(Schema.String),
  content_type: Schema.optional(Schema.String),
  meta_data: Schema.optional(StringMap)
})
export type EnterMessage = typeof EnterMessage.Type

/** The body of `POST /v3/chat`. */
export const ChatRequest = Schema.Struct({
  bot_id: Schema.String.pipe(Schema.minLength(1)),
  user_id: Schema.String.pipe(Schema.minLength(1)),
  additional_messages: Schema.optional(Schema.Array(EnterMessage).pipe(Schema.maxItems(100))),
  stream: Schema.optional(Schema.Boolean),
  auto_save_history: Schema.optional(Schema.Boolean),
  custom_variables: Schema.optional(StringMap),
  meta_data: Schema.optional(StringMap),
  extra_params: Schema.optional(StringMap),
  parameters: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  publish_status: Schema.optional(Schema.Literal("published_online", "unpublished_draft")),
  bot_version: Schema.optional(Schema.String),
  enable_card: Schema.optional(Schema.Boolean),
  connector_id: Schema.optional(Schema.String)
})

/** The body of `POST /v3/chat/submit_tool_outputs`. */
export const SubmitToolOutputsRequest = Schema.Struct({
  tool_outputs: Schema.Array(Schema.Struct({ tool_call_id: Schema.String, output: Schema.String })).pipe(Schema.minItems(1)),
  stream: Schema.optional(Schema.Boolean),
  auto_save_history: Schema.optional(Schema.Boolean)
})

/** The body of `POST /v3/chat/cancel`. */
export const CancelRequest = Schema.Struct({ conversation_id: Schema.String, chat_id: Schema.String })

/** The body of `POST /v1/conversation/create`. */
export const ConversationCreateRequest = Schema.Struct({
  bot_id: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  messages: Schema.optional(Schema.Array(EnterMessage)),
  meta_data: Schema.optional(StringMap),
  connector_id: Schema.optional(Schema.String)
})

/** The body of `POST /v1/conversation/message/list`. */
export const MessageListRequest = Schema.Struct({
  order: Schema.optional(Schema.Literal("desc", "asc")),
  chat_id: Schema.optional(Schema.String),
  before_id: Schema.optional(Schema.String),
  after_id: Schema.optional(Schema.String),
  limit: Schema.optional(Schema.Number.pipe(Schema.int(), Schema.between(1, 50))),
  include_middle_message: Schema.optional(Schema.Boolean)
})

const PromptInfo = Schema.Struct({ prompt: Schema.optional(Schema.String.pipe(Schema.maxLength(20000))) })
const OnboardingInfo = Schema.Struct({
  prologue: Schema.optional(Schema.String.pipe(Schema.maxLength(300))),
  suggested_questions: Schema.optional(Schema.Array(Schema.String))
})

/** The body of `POST /v1/bot/create`. */
export const BotCreateRequest = Schema.Struct({
  space_id: Schema.String,
  name: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(20)),
  description: Schema.optional(Schema.String.pipe(Schema.maxLength(500))),
  icon_file_id: Schema.optional(Schema.String),
  prompt_info: Schema.optional(PromptInfo),
  onboarding_info: Schema.optional(OnboardingInfo),
  model_info_config: Schema.optional(Schema.Struct({ model_id: Schema.String }))
})

/** The body of `POST /v1/bot/update`. */
export const BotUpdateRequest = Schema.Struct({
  bot_id: Schema.String,
  name: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(20))),
  description: Schema.optional(Schema.String.pipe(Schema.maxLength(500))),
  icon_file_id: Schema.optional(Schema.String),
  prompt_info: Schema.optional(PromptInfo),
  onboarding_info: Schema.optional(OnboardingInfo)
})

/** The body of `POST /v1/bot/publish`. */
export const BotPublishRequest = Schema.Struct({
  bot_id: Schema.String,
  connector_ids: Schema.Array(Schema.String).pipe(Schema.minItems(1))
})
