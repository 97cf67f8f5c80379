/** HTTP clients for the adapters that call out (Coze, the EverShop catalog): the platform's `HttpClient` on undici. */
export * as UndiciHttpClient from "./UndiciHttpClient.js"
