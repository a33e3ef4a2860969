// Autosave endpoint for drafts (POST only; the forms' own "Save draft" buttons work without it).
import { json, type ActionFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/modules/accounts/guards.server";
import { saveDraft } from "~/modules/forums/forums.server";
import { draftSchema } from "~/modules/forums/schemas";

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const form = await request.formData();
  const parsed = draftSchema.safeParse(Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === "string")));
  if (!parsed.success) return json({ ok: false, error: "forums.errors.invalid" }, { status: 400 });
  const outcome = await saveDraft(context.db, viewer, parsed.data);
  if (!outcome.ok) return json({ ok: false, error: outcome.fieldErrors?.body?.[0] ?? outcome.formError }, { status: outcome.status });
  return json({ ok: true, saved: outcome.saved });
}

export function loader() {
  throw new Response("Not found", { status: 404 });
}
