import { Schema } from "effect"

/** A function the bot asked for: by name, with its arguments decoded to a JSON object. */
export class FunctionCall extends Schema.Class<FunctionCall>("FunctionCall")({
  name: Schema.String.pipe(Schema.minLength(1)),
  arguments: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  /** Coze's tool call id, when the call came as `requires_action`. */
  id: Schema.optional(Schema.String)
}) {}
