import { Match } from "effect"
import { ErrorEvent } from "../model/ChatEvent.js"
import type {
  BotGatewayError,
  BotNotAllowed,
  CatalogError,
  ConversationNotFound,
  EmptyMessage,
  InternalError,
  InvalidCursor,
  InvalidTransition,
  MessageTooLong,
  NoBotConfigured,
  NotPermitted,
  ShopNotFound,
  StoreError
} from "../model/Errors.js"
import type { Locale } from "../model/Locale.js"
import { t } from "./I18n.js"

/** Every error the chat use cases may end in. */
export type ChatFailure =
  | BotGatewayError
  | BotNotAllowed
  | CatalogError
  | ConversationNotFound
  | EmptyMessage
  | InternalError
  | InvalidCursor
  | InvalidTransition
  | MessageTooLong
  | NoBotConfigured
  | NotPermitted
  | ShopNotFound
  | StoreError

/** What a visitor sees of an error: a stable code, a sentence in their language, and whether to retry. */
export const toErrorEvent = (error: ChatFailure, locale: Locale): ErrorEvent =>
  Match.value(error).pipe(
    Match.tagsExhaustive({
      BotGatewayError: (e) =>
        e.reason === "busy"
          ? new ErrorEvent({ code: "bot_busy", message: t(locale, "botBusy"), retryable: true })
          : new ErrorEvent({
            code: "bot_unavailable",
            message: t(locale, "botUnavailable"),
            retryable: e.reason !== "auth" && e.reason !== "permission" && e.reason !== "not_published" && e.reason !== "bad_request"
          }),
      BotNotAllowed: () => new ErrorEvent({ code: "forbidden", message: t(locale, "forbidden"), retryable: false }),
      CatalogError: () => new ErrorEvent({ code: "internal", message: t(locale, "genericError"), retryable: true }),
      ConversationNotFound: () => new ErrorEvent({ code: "not_found", message: t(locale, "notFound"), retryable: false }),
      EmptyMessage: () => new ErrorEvent({ code: "bad_request", message: t(locale, "emptyMessage"), retryable: false }),
      InternalError: () => new ErrorEvent({ code: "internal", message: t(locale, "genericError"), retryable: true }),
      InvalidCursor: () => new ErrorEvent({ code: "bad_request", message: t(locale, "badRequest"), retryable: false }),
      InvalidTransition: () => new ErrorEvent({ code: "bad_request", message: t(locale, "badRequest"), retryable: false }),
      MessageTooLong: (e) =>
        new ErrorEvent({ code: "message_too_long", message: t(locale, "messageTooLong", { max: e.max }), retryable: false }),
      NoBotConfigured: () => new ErrorEvent({ code: "bot_unavailable", message: t(locale, "botUnavailable"), retryable: false }),
      NotPermitted: () => new ErrorEvent({ code: "forbidden", message: t(locale, "forbidden"), retryable: false }),
      ShopNotFound: () => new ErrorEvent({ code: "not_found", message: t(locale, "badRequest"), retryable: false }),
      StoreError: () => new ErrorEvent({ code: "internal", message: t(locale, "genericError"), retryable: true })
    })
  )
