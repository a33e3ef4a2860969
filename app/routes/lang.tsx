import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { getViewer } from "~/modules/accounts/accounts.server";
import { localeSchema } from "~/modules/accounts/schemas";
import { localeCookie } from "~/utils/locale.server";

// Language switch: a plain POST form in the header, so it works without JavaScript.
// For a signed-in member it is also their profile's language (emails follow it).
export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = localeSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return new Response("Langue inconnue / Unknown language", { status: 400 });
  const viewer = await getViewer(context.db, await context.auth.getClaims(request.headers.get("Cookie")));
  if (viewer) {
    await context.db.withUser(viewer.claims, (tx) =>
      tx.updateTable("profiles").set({ locale: parsed.data.locale }).where("id", "=", viewer.id).execute(),
    );
  }
  return redirect(parsed.data.redirectTo ?? "/", { headers: { "Set-Cookie": await localeCookie.serialize(parsed.data.locale) } });
}

export const loader = () => redirect("/");
