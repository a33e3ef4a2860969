// A page's messages, as a file the browser keeps for good: its name carries the content's
// digest (app/utils/inline-messages.tsx). Public: the words of the interface, nobody's data.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { messagesFile } from "~/utils/i18n.server";

export function loader({ params }: LoaderFunctionArgs) {
  const json = messagesFile(params.file ?? "");
  if (!json) return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(json, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "public, max-age=31536000, immutable",
    },
  });
}
