import { getStoreLanguage } from "@evershop/evershop/setting/services"
import { settings } from "../../../lib/Host.js"
import { widgetTag } from "../../../lib/WidgetTag.js"

/** `chatbotWidget`: the widget's script URL, shop id, the store's locale and colour; null when no server is configured. */
export default {
  Query: {
    chatbotWidget: async () => {
      const s = settings()
      const language = await getStoreLanguage().catch(() => "en")
      return widgetTag(s.serverUrl, s.shopId, language, s.color)
    }
  }
}
