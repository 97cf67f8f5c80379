import { notify } from "../../lib/Notify.js"

/** On `product_deleted`: the Chatbot-Node server drops its cached catalog answers. */
export default async (data: unknown) => notify("product_deleted", data)
