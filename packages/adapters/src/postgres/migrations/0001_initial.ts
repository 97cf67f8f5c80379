import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Shops (a Schema-encoded JSON document each: bots, routing rules, origins), staff accounts,
 * conversations and messages, with the indexes of the store's queries. Ids use the "C" collation
 * so that keyset order is byte order everywhere.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE shops (
    id text COLLATE "C" PRIMARY KEY,
    document jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`
  yield* sql`CREATE TABLE admins (
    id text COLLATE "C" PRIMARY KEY,
    email text NOT NULL,
    name text NOT NULL,
    role text NOT NULL CHECK (role IN ('owner', 'agent')),
    shop_ids jsonb NOT NULL DEFAULT '[]',
    password_hash text NOT NULL,
    created_at timestamptz NOT NULL
  )`
  yield* sql`CREATE UNIQUE INDEX admins_email_key ON admins (lower(email))`
  yield* sql`CREATE TABLE conversations (
    id text COLLATE "C" PRIMARY KEY,
    shop_id text COLLATE "C" NOT NULL,
    visitor_id text COLLATE "C" NOT NULL,
    locale text NOT NULL,
    bot_id text NOT NULL,
    upstream_conversation_id text,
    status text NOT NULL,
    assigned_agent_id text,
    last_seq integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  )`
  // A visitor's conversations by recency (latestVisitorConversation, GDPR deletion).
  yield* sql`CREATE INDEX conversations_visitor_recent ON conversations (shop_id, visitor_id, updated_at DESC, id DESC)`
  // Admin search by shop and date, newest first, and retention by shop and idle time.
  yield* sql`CREATE INDEX conversations_shop_recent ON conversations (shop_id, updated_at DESC, id DESC)`
  // Admin search across every shop.
  yield* sql`CREATE INDEX conversations_recent ON conversations (updated_at DESC, id DESC)`
  yield* sql`CREATE TABLE messages (
    id text COLLATE "C" PRIMARY KEY,
    conversation_id text COLLATE "C" NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq integer NOT NULL CHECK (seq > 0),
    role text NOT NULL,
    text text NOT NULL,
    function_calls jsonb NOT NULL DEFAULT '[]',
    products jsonb NOT NULL DEFAULT '[]',
    suggestions jsonb NOT NULL DEFAULT '[]',
    status text NOT NULL,
    client_message_id text COLLATE "C",
    agent_id text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT messages_conversation_seq_key UNIQUE (conversation_id, seq),
    CONSTRAINT messages_client_message_id_key UNIQUE (conversation_id, client_message_id)
  )`
  // Replies left streaming by a crash, found at start-up without scanning every message.
  yield* sql`CREATE INDEX messages_streaming ON messages (id) WHERE status = 'streaming'`
  // Admin text search: on PostgreSQL with contrib's pg_trgm, a trigram index serves
  // lower(text) LIKE '%phrase%'. Elsewhere (PGlite, a server without contrib) the search reads the
  // messages of the conversations that the other filters leave, found by conversations_shop_recent.
  yield* sql.unsafe(`DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX messages_text_trgm ON messages USING gin (lower(text) gin_trgm_ops);
  END IF;
EXCEPTION WHEN insufficient_privilege OR undefined_file THEN
  RAISE NOTICE 'pg_trgm unavailable: admin text search will scan';
END
$$`)
})
