import { notify } from "../../lib/Notify.js"

/** On `product_created`: the Chatbot-Node server drops its cached catalog answers. */
export default async (data: unknown) => notify("product_created", data)
