import pg from "pg"

/** The PostgreSQL that CI provides (`TEST_DATABASE_URL`); suites on PostgreSQL skip (or use PGlite) without it. */
export const testDatabaseUrl: string | undefined = process.env.TEST_DATABASE_URL || undefined

const onServer = async (url: string, statement: string) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

/** Creates a database of its own on the server of `url`; `drop` removes it (and any connection left). */
export const freshDatabase = async (url: string) => {
  const name = `chatbot_srv_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  await onServer(url, `CREATE DATABASE ${name}`)
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return { url: parsed.toString(), drop: () => onServer(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
}
