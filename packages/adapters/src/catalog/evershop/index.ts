/** The EverShop catalog: a shop's products through its storefront GraphQL, cached, invalidated by the shop's extension. */
export * as CatalogInvalidation from "./CatalogInvalidation.js"
export * as EverShopCatalog from "./EverShopCatalog.js"
export * as EverShopQueries from "./EverShopQueries.js"
