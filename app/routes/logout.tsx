import { redirect, type ActionFunctionArgs } from "@remix-run/node";

export async function action({ request, context }: ActionFunctionArgs) {
  const { headers, userId } = await context.auth.signOut(request.headers.get("Cookie"));
  // Signing out also closes the person's live connections.
  if (userId) await context.realtime.disconnectUser(userId);
  return redirect("/", { headers });
}

// No GET changes state: a link to /logout only lands on the home page.
export const loader = () => redirect("/");
