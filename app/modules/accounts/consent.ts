// Versions of the notices people consent to (Law 25: consent is recorded with the
// version of the notice shown). Bump a version when the notice's text changes:
// members are then asked again, at their next request, before going on (see
// getOptionalViewer in guards.server.ts and the /consent page).
export const TERMS_VERSION = "2026-11-01";
export const PRIVACY_VERSION = "2026-11-01";

export type NoticeKind = "terms" | "privacy";

export const CURRENT_NOTICES: Record<NoticeKind, string> = { terms: TERMS_VERSION, privacy: PRIVACY_VERSION };

/** The consents rows of a person who accepts every current notice, as at sign-up (the demo seed, test people). */
export function acceptingCurrentNotices(userId: string) {
  return (Object.keys(CURRENT_NOTICES) as NoticeKind[]).map((kind) => ({
    user_id: userId,
    kind,
    version: CURRENT_NOTICES[kind],
    granted: true,
  }));
}

/**
 * The notices a member still has to accept: those whose latest decision is not a
 * grant of the current version. `latest` holds the member's most recent row per kind.
 */
export function staleNotices(
  latest: ReadonlyArray<{ kind: string; version: string; granted: boolean }>,
  current = CURRENT_NOTICES,
): NoticeKind[] {
  return (Object.keys(current) as NoticeKind[]).filter((kind) => {
    const row = latest.find((r) => r.kind === kind);
    return !row || !row.granted || row.version !== current[kind];
  });
}

/**
 * Where a member who has not accepted the current notices may still go: the consent
 * page, the notices themselves, signing out, the privacy page (withdrawal, export,
 * deletion and the export download), the language switch and the pages about the site.
 */
const CONSENT_EXEMPT = [
  /^\/consent$/,
  /^\/privacy$/,
  /^\/terms$/,
  /^\/logout$/,
  /^\/lang$/,
  /^\/profile\/privacy(\/.*)?$/,
  /^\/(about|contact|accessibility)$/,
];

export function isConsentExempt(pathname: string): boolean {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return CONSENT_EXEMPT.some((re) => re.test(path));
}
