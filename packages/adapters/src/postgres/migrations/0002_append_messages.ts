import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * `append_messages`: appends a batch of messages (arrays of one element per message, in order) in
 * the caller's statement. Each message bumps its conversation's `last_seq` (a row lock, so appends
 * to one conversation are serialised) and is inserted with that seq; a message to a conversation
 * that does not exist is skipped. Returns (id, seq) of each stored message. A repeated
 * (conversation_id, client_message_id) raises the unique violation and the whole call rolls back.
 * PL/pgSQL keeps the plans of its two statements for the session, so a call costs no planning:
 * that was about a third of the server's work per append when the statement was sent as SQL.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`CREATE FUNCTION append_messages(
    p_ids text[], p_conversation_ids text[], p_roles text[], p_texts text[], p_function_calls text[],
    p_products text[], p_suggestions text[], p_statuses text[], p_client_message_ids text[],
    p_agent_ids text[], p_ats timestamptz[]
  ) RETURNS TABLE (id text, seq integer) LANGUAGE plpgsql AS $$
DECLARE
  i integer;
  next_seq integer;
BEGIN
  FOR i IN 1 .. coalesce(cardinality(p_ids), 0) LOOP
    UPDATE conversations c SET last_seq = c.last_seq + 1, updated_at = GREATEST(c.updated_at, p_ats[i])
      WHERE c.id = p_conversation_ids[i] RETURNING c.last_seq INTO next_seq;
    IF FOUND THEN
      INSERT INTO messages (id, conversation_id, seq, role, text, function_calls, products, suggestions, status,
                            client_message_id, agent_id, created_at, updated_at)
      VALUES (p_ids[i], p_conversation_ids[i], next_seq, p_roles[i], p_texts[i], p_function_calls[i]::jsonb,
              p_products[i]::jsonb, p_suggestions[i]::jsonb, p_statuses[i], p_client_message_ids[i], p_agent_ids[i],
              p_ats[i], p_ats[i]);
      id := p_ids[i];
      seq := next_seq;
      RETURN NEXT;
    END IF;
  END LOOP;
END
$$`)
})
