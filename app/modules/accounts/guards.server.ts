// require* guards: clear answers for people (redirect to sign-in, 403, 404)
// before RLS, which stays the real wall.
import { redirect, type AppLoadContext } from "@remix-run/node";
import type { Role } from "~/utils/db-schema";
import { getViewer, hasRole, type Viewer } from "./accounts.server";

export async function getOptionalViewer(request: Request, context: AppLoadContext): Promise<Viewer | null> {
  const claims = await context.auth.getClaims(request.headers.get("Cookie"));
  return getViewer(context.db, claims);
}

export async function requireViewer(request: Request, context: AppLoadContext): Promise<Viewer> {
  const viewer = await getOptionalViewer(request, context);
  if (!viewer) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return viewer;
}

export async function requireVerified(request: Request, context: AppLoadContext): Promise<Viewer> {
  const viewer = await requireViewer(request, context);
  if (!viewer.verified) throw new Response("not_verified", { status: 403, statusText: "Forbidden" });
  return viewer;
}

export function requireRole(viewer: Viewer, role: Role): void {
  if (!hasRole(viewer, role)) throw new Response("forbidden", { status: 403, statusText: "Forbidden" });
}

export function invariantResponse(condition: unknown, message: string, init: ResponseInit = { status: 404 }): asserts condition {
  if (!condition) throw new Response(message, init);
}
