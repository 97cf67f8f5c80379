import { Option } from "effect"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { ServerSettings } from "./Config.js"

/** Where the files the server serves are read from. */
export interface AssetPaths {
  /** The pages (`index.html`, the demo, their stylesheet and script). */
  readonly pagesDir: string
  /** The agent inbox (`index.html`, `admin.js`, `admin.css`). */
  readonly adminDir: string
  /** The built widget (`widget.js`, `widget-panel.js`); undefined means the widget package's own dist. */
  readonly widgetDir: string | undefined
  /** Whether a missing or stale widget is built at start (only from a checkout, never from an assets folder). */
  readonly buildWidget: boolean
}

const checkoutStatic = fileURLToPath(new URL("../static", import.meta.url))

/**
 * The asset folders for these settings: under `assetsDir` when set (the bundle's `dist/assets`,
 * or CHATBOT_ASSETS_DIR), else the checkout's `packages/server/static` and the widget's dist.
 */
export const paths = (settings: Pick<ServerSettings, "assetsDir">): AssetPaths => {
  const dir = settings.assetsDir ?? Option.none()
  return Option.match(dir, {
    onNone: () => ({ pagesDir: checkoutStatic, adminDir: join(checkoutStatic, "admin"), widgetDir: undefined, buildWidget: true }),
    onSome: (root) => ({ pagesDir: join(root, "static"), adminDir: join(root, "static", "admin"), widgetDir: join(root, "widget"), buildWidget: false })
  })
}
