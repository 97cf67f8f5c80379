/**
 * Options of a span opened for every visitor message (`Chat.send`, `Chat.botTurn`): no call-site
 * stack trace. Effect captures one by default, an `Error` made at each call, which was 2% of a
 * message's CPU before its call to the bot (CPU profile, session 15); the span's name says where it is.
 */
export const perMessageSpan = { captureStackTrace: false } as const
