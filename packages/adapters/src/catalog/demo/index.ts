/** The demo catalog: 24 products in zh, en and es with drawn SVG images, and the demo shop. */
export * as DemoCatalog from "./DemoCatalog.js"
export * as DemoImages from "./DemoImages.js"
export * as DemoProducts from "./DemoProducts.js"
