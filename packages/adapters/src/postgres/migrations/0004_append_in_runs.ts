import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * `append_messages` again, with the same arguments and answers (see 0002_append_messages): a run of
 * messages to one conversation (a turn's message and its reply's placeholder, or every message of a
 * conversation in a batch, which comes in conversation id order) takes its seqs in one update of the
 * conversation's row instead of one per message. Three indexes hold `updated_at`, so every such
 * update writes a new row version into each of them.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`CREATE OR REPLACE FUNCTION append_messages(
    p_ids text[], p_conversation_ids text[], p_roles text[], p_texts text[], p_function_calls text[],
    p_products text[], p_suggestions text[], p_statuses text[], p_client_message_ids text[],
    p_agent_ids text[], p_ats timestamptz[]
  ) RETURNS TABLE (id text, seq integer) LANGUAGE plpgsql AS $$
DECLARE
  n integer := coalesce(cardinality(p_ids), 0);
  i integer := 1;
  j integer;
  run_end integer;
  latest timestamptz;
  last_seq_after integer;
BEGIN
  WHILE i <= n LOOP
    run_end := i;
    latest := p_ats[i];
    WHILE run_end < n AND p_conversation_ids[run_end + 1] = p_conversation_ids[i] LOOP
      run_end := run_end + 1;
      latest := GREATEST(latest, p_ats[run_end]);
    END LOOP;
    UPDATE conversations c SET last_seq = c.last_seq + (run_end - i + 1), updated_at = GREATEST(c.updated_at, latest)
      WHERE c.id = p_conversation_ids[i] RETURNING c.last_seq INTO last_seq_after;
    IF FOUND THEN
      FOR j IN i .. run_end LOOP
        INSERT INTO messages (id, conversation_id, seq, role, text, function_calls, products, suggestions, status,
                              client_message_id, agent_id, created_at, updated_at)
        VALUES (p_ids[j], p_conversation_ids[j], last_seq_after - (run_end - j), p_roles[j], p_texts[j],
                p_function_calls[j]::jsonb, p_products[j]::jsonb, p_suggestions[j]::jsonb, p_statuses[j],
                p_client_message_ids[j], p_agent_ids[j], p_ats[j], p_ats[j]);
        id := p_ids[j];
        seq := last_seq_after - (run_end - j);
        RETURN NEXT;
      END LOOP;
    END IF;
    i := run_end + 1;
  END LOOP;
END
$$`)
})
