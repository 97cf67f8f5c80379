import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * `finish_replies`: finishes a batch of replies (arrays of one element per reply) in the caller's
 * statement: each reply's text, status and structured parts are written and its conversation's
 * `updated_at` moves on. The conversations are locked first, in id order, as appends (which take
 * their batch in conversation id order) lock them, so that a batch of each kind never wait on each
 * other in a cycle. A reply that does not exist is skipped. Returns each finished message.
 * PL/pgSQL keeps its statements' plans for the session, as `append_messages` does.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`CREATE FUNCTION finish_replies(
    p_ids text[], p_texts text[], p_statuses text[], p_function_calls text[], p_products text[],
    p_suggestions text[], p_ats timestamptz[]
  ) RETURNS SETOF messages LANGUAGE plpgsql AS $$
DECLARE
  i integer;
  finished messages;
BEGIN
  PERFORM 1 FROM conversations c
    WHERE c.id IN (SELECT m.conversation_id FROM messages m WHERE m.id = ANY(p_ids))
    ORDER BY c.id FOR UPDATE;
  FOR i IN 1 .. coalesce(cardinality(p_ids), 0) LOOP
    UPDATE messages m SET text = p_texts[i], status = p_statuses[i], function_calls = p_function_calls[i]::jsonb,
        products = p_products[i]::jsonb, suggestions = p_suggestions[i]::jsonb, updated_at = p_ats[i]
      WHERE m.id = p_ids[i] RETURNING m.* INTO finished;
    IF FOUND THEN
      UPDATE conversations c SET updated_at = GREATEST(c.updated_at, p_ats[i]) WHERE c.id = finished.conversation_id;
      RETURN NEXT finished;
    END IF;
  END LOOP;
END
$$`)
})
