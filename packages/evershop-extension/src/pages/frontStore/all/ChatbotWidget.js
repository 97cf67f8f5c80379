import React from "react"

/**
 * Loads the Chatbot-Node widget on every storefront page (from an effect: head components are not
 * hydrated), for the shop id and store locale the `chatbotWidget` query gives.
 * @param {{ chatbotWidget?: { scriptUrl: string, shopId: string, locale: string | null, color: string | null } | null }} props
 */
export default function ChatbotWidget({ chatbotWidget }) {
  React.useEffect(() => {
    if (chatbotWidget == null || document.getElementById("chatbot-node-script") !== null) return
    const script = document.createElement("script")
    script.id = "chatbot-node-script"
    script.src = chatbotWidget.scriptUrl
    script.async = true
    script.dataset.shop = chatbotWidget.shopId
    script.dataset.cart = "event"
    if (chatbotWidget.locale != null) script.dataset.locale = chatbotWidget.locale
    if (chatbotWidget.color != null) script.dataset.color = chatbotWidget.color
    document.body.appendChild(script)
  }, [])
  if (chatbotWidget == null) return null
  return React.createElement("div", { id: "chatbot-node-root", "data-shop": chatbotWidget.shopId, "data-script": chatbotWidget.scriptUrl, hidden: true })
}

export const layout = { areaId: "body", sortOrder: 100 }

export const query = `
  query Query {
    chatbotWidget { scriptUrl shopId locale color }
  }
`
