// Typing a code: the form on the check page sends it here, which forwards to the
// canonical address (a GET that changes nothing).
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { normaliseCode } from "~/modules/attestations/schemas";

export function loader({ request }: LoaderFunctionArgs) {
  const typed = (new URL(request.url).searchParams.get("code") ?? "").slice(0, 60);
  const code = normaliseCode(typed);
  return redirect(`/attestations/${encodeURIComponent(code ?? (typed.trim() || "-"))}`);
}
