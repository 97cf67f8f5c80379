import { Either } from "effect"
import { EmptyMessage, MessageTooLong } from "../model/Errors.js"
import { maxMessageLength } from "../model/Message.js"

// NUL and the C0 controls other than tab, line feed and carriage return carry no meaning in chat
// (PostgreSQL cannot even store NUL); a lone surrogate is not text at all.
const controls = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g
const loneSurrogates = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** The text as it is stored: controls removed, lone surrogates replaced by U+FFFD, trimmed. */
export const normalize = (text: string): string => text.replace(controls, "").replace(loneSurrogates, "\ufffd").trim()

/** A visitor's or agent's message, normalized, refused when empty or longer than the limit (in code points). */
export const validate = (text: string): Either.Either<string, EmptyMessage | MessageTooLong> => {
  const normalized = normalize(text)
  if (normalized.length === 0) return Either.left(new EmptyMessage())
  let length = 0
  for (const _ of normalized) length++
  return length > maxMessageLength ? Either.left(new MessageTooLong({ length, max: maxMessageLength })) : Either.right(normalized)
}
