// The forum forms' parsing for route actions that run only on the server: importing
// the schemas and conform's parser through a .server module keeps zod out of the
// browser bundle of read pages whose only form is handled by their action (the
// category page's watch form works as a plain form post).
export { parseWithZod } from "@conform-to/zod";
export { watchSchema } from "./schemas";
