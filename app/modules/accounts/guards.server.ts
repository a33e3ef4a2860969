// require* guards: clear answers for people (redirect to sign-in, 403, 404)
// before RLS, which stays the real wall.
import { json, redirect, type AppLoadContext } from "@remix-run/node";
import type { Role } from "~/utils/db-schema";
import { getViewer, hasRole, type Viewer } from "./accounts.server";
import { isConsentExempt } from "./consent";
import { inlineMessagesFor } from "~/utils/i18n.server";

// The root loader and the page's loader of one GET both need the viewer: it is read
// once. The key is the claims object, which the per-request auth (server/http.ts,
// perRequestAuth) hands out once per request, so nothing is shared across requests.
// Not on other methods: an action may change what the loaders after it must see (the
// loaders that follow an action run on a GET of their own and read it afresh).
const viewersOfRequest = new WeakMap<object, Promise<Viewer | null>>();

export async function getOptionalViewer(request: Request, context: AppLoadContext): Promise<Viewer | null> {
  const viewer = await readViewer(request, context);
  if (viewer?.staleNotices?.length) requireConsent(request);
  if (viewer?.permit?.lapsed && !(await isWithdrawal(request))) refuseLapsedWrites(request, context, viewer);
  return viewer;
}

/**
 * What a member whose permit lapsed may still post in the posting sections: withdrawing
 * her registration from an event. It writes nothing of hers and frees her seat for the
 * next person on the waiting list; refusing it would hold the seat until she renews.
 */
export async function isWithdrawal(request: Request): Promise<boolean> {
  if (request.method !== "POST" || !/^\/events\/[^/]+\/?$/.test(new URL(request.url).pathname)) return false;
  const type = request.headers.get("content-type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) return false;
  try {
    return (await request.clone().formData()).get("intent") === "unregister";
  } catch {
    return false; // a body that is not a form is not a withdrawal: the refusal stands
  }
}

/** Where members post: forums, cases, chat, events. */
const POSTING_SECTIONS = /^\/(forums|cases|chat|events)(\/|$)/;

/**
 * A member whose permit lapsed reads everything she could but posts nothing until an admin
 * confirms her renewal: her writes in the posting sections answer 403 here, with the
 * banner saying why, and the database refuses them anyway (restrictive policies).
 */
function refuseLapsedWrites(request: Request, context: AppLoadContext, viewer: Viewer) {
  if (request.method === "GET" || request.method === "HEAD") return;
  const pathname = new URL(request.url).pathname;
  if (!POSTING_SECTIONS.test(pathname)) return;
  // An action's error page renders without the root loader's data (Remix runs no loader
  // at or below the boundary that catches it, and the root is that boundary). So the
  // refusal carries what the site header needs, and the page's messages are put inline
  // as the root loader would: she gets the whole site around the explanation.
  const slot = context.inlineMessages;
  if (slot) slot.value = inlineMessagesFor(viewer.locale, pathname);
  const shell: LapsedRefusal["shell"] = {
    locale: viewer.locale,
    viewer: {
      id: viewer.id,
      displayName: viewer.displayName,
      verified: viewer.verified,
      roles: viewer.roles,
      permit: viewer.permit ?? null,
    },
    badges: null,
    devMailbox: false,
  };
  throw json({ code: "permit_lapsed", locale: viewer.locale, shell } satisfies LapsedRefusal, { status: 403, statusText: "Forbidden" });
}

/** The lapsed-permit refusal: the member's language and what the site header shows. */
export interface LapsedRefusal {
  code: "permit_lapsed";
  locale: Viewer["locale"];
  shell: {
    locale: Viewer["locale"];
    viewer: { id: string; displayName: string; verified: boolean; roles: Viewer["roles"]; permit: Viewer["permit"] | null };
    badges: null;
    devMailbox: false;
  };
}

async function readViewer(request: Request, context: AppLoadContext): Promise<Viewer | null> {
  const claims = await context.auth.getClaims(request.headers.get("Cookie"));
  if (!claims) return null;
  if (request.method !== "GET" && request.method !== "HEAD") return getViewer(context.db, claims);
  let viewer = viewersOfRequest.get(claims);
  if (!viewer) {
    viewer = getViewer(context.db, claims);
    viewersOfRequest.set(claims, viewer);
    viewer.catch(() => viewersOfRequest.delete(claims));
  }
  return viewer;
}

/**
 * A member who has not accepted the current privacy notice (or terms) is sent to the
 * consent page before anything else that knows who they are, reads and posts alike:
 * every loader and action that looks the viewer up comes through here (and the root
 * loader, on every page load). The notices, signing out and the privacy page (export,
 * withdrawal, deletion) stay open, so refusing is always possible.
 */
function requireConsent(request: Request) {
  const url = new URL(request.url);
  if (isConsentExempt(url.pathname)) return;
  // A data request (client-side navigation) names the page it is for without "_data".
  url.searchParams.delete("_data");
  const back = url.pathname + (url.search === "?" ? "" : url.search);
  throw redirect(`/consent?redirectTo=${encodeURIComponent(back)}`);
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
