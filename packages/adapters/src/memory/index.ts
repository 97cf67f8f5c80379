/** In-memory adapters of the domain's ports: for tests, examples and embedding without a database. */
export {}
