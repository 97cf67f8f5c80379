import pg from "pg"

/** The PostgreSQL server benches use (BENCH_DATABASE_URL, else the local one). */
export const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"

/**
 * A database of its own on the bench's PostgreSQL, created when missing (emptied with `fresh`);
 * undefined when no PostgreSQL answers.
 */
export const benchDatabase = async (name: string, options: { readonly fresh?: boolean } = {}): Promise<string | undefined> => {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    if (options.fresh === true) await client.query(`drop database if exists "${name}" with (force)`)
    const exists = await client.query("select 1 from pg_database where datname = $1", [name])
    if (exists.rowCount === 0) await client.query(`create database "${name}"`)
    const url = new URL(serverUrl)
    url.pathname = `/${name}`
    return url.toString()
  } catch (error) {
    console.log(`PostgreSQL not available at ${serverUrl}: ${String(error)}`)
    return undefined
  } finally {
    await client.end().catch(() => {})
  }
}
