import React from "react"
import { useCartDispatch } from "@evershop/evershop/components/frontStore/cart/CartContext"

const addDirectly = async (sku) => {
  const response = await fetch("/api/cart/mine/items", {
    method: "POST",
    headers: { "content-type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify({ sku, qty: 1 })
  })
  if (!response.ok) throw new Error(`the cart answered ${response.status}`)
}

/**
 * Adds a product to the visitor's EverShop cart when the widget's card asks (`chatbot:add-to-cart`
 * with `{sku, productId}` on window), through the storefront's cart so the mini cart updates;
 * answers with `chatbot:cart-updated` `{sku, ok, message?}`. Sits in the header, inside EverShop's
 * cart provider (a body-area component would sit outside it).
 */
export default function ChatbotCartBridge() {
  let cart
  try {
    cart = useCartDispatch()
  } catch {
    cart = undefined
  }
  React.useEffect(() => {
    const onAdd = (event) => {
      const sku = event.detail?.sku
      if (typeof sku !== "string" || sku === "") return
      const done = (detail) => window.dispatchEvent(new CustomEvent("chatbot:cart-updated", { detail: { sku, ...detail } }))
      const adding = cart !== undefined ? cart.addItem({ sku, qty: 1 }) : addDirectly(sku)
      adding.then(() => done({ ok: true }), (e) => done({ ok: false, message: e instanceof Error ? e.message : String(e) }))
    }
    window.addEventListener("chatbot:add-to-cart", onAdd)
    return () => window.removeEventListener("chatbot:add-to-cart", onAdd)
  }, [cart])
  return null
}

export const layout = { areaId: "headerMiddleRight", sortOrder: 90 }
