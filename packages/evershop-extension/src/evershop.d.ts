// The few EverShop 2.x modules the extension imports (resolved in the host shop at run time).
declare module "@evershop/evershop/lib/postgres" {
  export const pool: { query: (text: string, values?: ReadonlyArray<unknown>) => Promise<{ rows: Array<unknown> }> }
}
declare module "@evershop/evershop/lib/util/getConfig" {
  export function getConfig<T>(path: string, defaultValue?: T): T
}
declare module "@evershop/evershop/lib/util/getBaseUrl" {
  export function getBaseUrl(): string
}
declare module "@evershop/evershop/lib/log" {
  export function error(e: unknown): void
  export function warning(message: string): void
  export function info(message: string): void
}
declare module "@evershop/evershop/setting/services" {
  export function getStoreCurrency(): string
  export function getStoreLanguage(): Promise<string>
}
