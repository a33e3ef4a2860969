import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { localeSchema } from "~/modules/accounts/schemas";
import { localeCookie } from "~/utils/locale.server";

// Language switch: a plain POST form in the header, so it works without JavaScript.
export async function action({ request }: ActionFunctionArgs) {
  const parsed = localeSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return new Response("Langue inconnue / Unknown language", { status: 400 });
  return redirect(parsed.data.redirectTo ?? "/", { headers: { "Set-Cookie": await localeCookie.serialize(parsed.data.locale) } });
}

export const loader = () => redirect("/");
