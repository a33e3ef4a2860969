// The live room page reports this person's own conference joined / left (attendance).
// An action only; the database stamps the time (event_presence).
import { json, type ActionFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/modules/accounts/guards.server";
import { reportPresence } from "~/modules/events/attendance.server";
import { presenceSchema } from "~/modules/events/live-schemas";
import { fieldErrorsFromZod } from "~/utils/outcome";

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const parsed = presenceSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success)
    return json({ ok: false, formError: "errors.invalid", fieldErrors: fieldErrorsFromZod(parsed.error) }, { status: 400 });
  const outcome = await reportPresence(context.db, viewer, params.id ?? "", parsed.data.type);
  return outcome.ok ? json({ ok: true }) : json({ ok: false, formError: outcome.formError }, { status: outcome.status });
}

export function loader() {
  throw new Response("method_not_allowed", { status: 405 });
}
