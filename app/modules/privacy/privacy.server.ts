// Export and deletion requests (decision 016). Requests are rows of privacy_requests;
// the work happens on the job queue: "privacy.export" builds the zip, "privacy.erase"
// erases the account once the grace period is over (unless cancelled meanwhile).
import { randomUUID } from "node:crypto";
import { zipSync, strToU8 } from "fflate";
import { sql } from "kysely";
import type { Logger } from "pino";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { refused, type Outcome } from "~/utils/outcome";
import type { JobQueue } from "~/modules/jobs/queue.server";
import type { Database, Tx } from "~/utils/db.server";
import type { Locale } from "~/utils/db-schema";
import { PRIVACY_VERSION } from "~/modules/accounts/consent";
import { DEFAULT_EMAIL_DELAY_MINUTES } from "~/modules/notifications/schemas";
import { translate } from "~/utils/i18n.server";
import type { Mailer } from "~/utils/mail.server";
import type { FileStorage } from "~/utils/storage.server";
import type { ErasureContext, ErasureSubject } from "./contract";
import type { OptionalConsent } from "./schemas";
import { PRIVACY_CONTRACTS } from "./registry.server";

export const EXPORT_JOB = "privacy.export";
export const ERASE_JOB = "privacy.erase";
export const EXPORT_VALID_DAYS = 7;
export const DELETION_GRACE_DAYS = 30;
const DAY = 86_400_000;

export interface PrivacyDeps {
  db: Database;
  jobs: JobQueue;
}

async function audit(tx: Tx, actorId: string | null, action: string, requestId: number | null) {
  await tx
    .insertInto("audit_log")
    .values({
      actor_id: actorId,
      action,
      target_type: "privacy_request",
      target_id: requestId === null ? null : String(requestId),
      details: JSON.stringify({}),
    })
    .execute();
}

const isUniqueViolation = (error: unknown) =>
  typeof error === "object" && error !== null && "code" in error && (error as { code?: string }).code === "23505";

// ── What the page shows ──────────────────────────────────────────────────────

export interface PrivacyRequestView {
  id: number;
  kind: "export" | "deletion";
  status: string;
  createdAt: string;
  dueAt: string;
  expiresAt: string | null;
  downloadable: boolean;
}

export async function myPrivacyRequests(db: Database, viewer: Viewer): Promise<PrivacyRequestView[]> {
  const rows = await db.withUser(viewer.claims, (tx) =>
    tx
      .selectFrom("privacy_requests")
      .select(["id", "kind", "status", "created_at", "due_at", "expires_at"])
      .where("user_id", "=", viewer.id)
      .orderBy("id", "desc")
      .limit(20)
      .execute(),
  );
  const now = Date.now();
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
    dueAt: new Date(r.due_at).toISOString(),
    expiresAt: r.expires_at ? new Date(r.expires_at).toISOString() : null,
    downloadable: r.kind === "export" && r.status === "ready" && !!r.expires_at && new Date(r.expires_at).getTime() > now,
  }));
}

// ── Export ───────────────────────────────────────────────────────────────────

export async function requestExport(deps: PrivacyDeps, viewer: Viewer): Promise<Outcome<{ requestId: number }>> {
  try {
    const requestId = await deps.db.asSystem("privacy: a member requests their export", async (tx) => {
      const row = await tx
        .insertInto("privacy_requests")
        .values({ user_id: viewer.id, kind: "export", locale: viewer.locale })
        .returning("id")
        .executeTakeFirstOrThrow();
      await audit(tx, viewer.id, "privacy.export_requested", Number(row.id));
      await deps.jobs.schedule({ type: EXPORT_JOB, payload: { requestId: Number(row.id) }, key: `${EXPORT_JOB}:${row.id}` }, tx);
      return Number(row.id);
    });
    return { ok: true, requestId };
  } catch (error) {
    if (isUniqueViolation(error)) return refused(409, "myPrivacy.errors.exportPending");
    throw error;
  }
}

/** Everything about the member, one JSON document per module (what the zip holds). */
export async function collectExport(db: Database, memberId: string): Promise<Record<string, Record<string, unknown>>> {
  return db.asSystem("privacy: collect a member's export", async (tx) => {
    const out: Record<string, Record<string, unknown>> = {};
    for (const contract of PRIVACY_CONTRACTS) out[contract.module] = await contract.exportFor(tx, memberId);
    return out;
  });
}

export function exportZip(documents: Record<string, Record<string, unknown>>, locale: Locale, generatedAt: Date): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const readme = [
    translate(locale, "myPrivacy.zip.title"),
    "",
    translate(locale, "myPrivacy.zip.generated", { date: generatedAt.toISOString() }),
    "",
    translate(locale, "myPrivacy.zip.about"),
    "",
    ...Object.keys(documents).map((module) => `- ${module}.json`),
    "",
    translate(locale, "myPrivacy.zip.questions"),
    "",
  ].join("\n");
  files["README.txt"] = strToU8(readme);
  for (const [module, document] of Object.entries(documents)) files[`${module}.json`] = strToU8(JSON.stringify(document, null, 2));
  return zipSync(files, { level: 6, mtime: generatedAt });
}

export interface ExportJobDeps {
  db: Database;
  storage: FileStorage;
  mail: Mailer;
  publicUrl: string;
  logger: Logger;
}

export async function buildExport(deps: ExportJobDeps, requestId: number): Promise<void> {
  const request = await deps.db.asSystem("privacy: read an export request", (tx) =>
    tx
      .selectFrom("privacy_requests")
      .innerJoin("auth.users as u", "u.id", "privacy_requests.user_id")
      .select(["privacy_requests.id", "privacy_requests.user_id", "privacy_requests.status", "privacy_requests.locale", "u.email"])
      .where("privacy_requests.id", "=", requestId)
      .where("kind", "=", "export")
      .executeTakeFirst(),
  );
  if (!request || request.status !== "pending") return;
  const to = request.email;
  if (!to) throw new Error(`export request ${requestId}: the account has no email address`);
  const now = new Date();
  const zip = exportZip(await collectExport(deps.db, request.user_id), request.locale, now);
  const key = `export/${randomUUID()}`;
  await deps.storage.put(key, zip, "application/zip");
  const expiresAt = new Date(now.getTime() + EXPORT_VALID_DAYS * DAY);
  const link = `${deps.publicUrl}/profile/privacy/export/${request.id}`;
  await deps.db.asSystem("privacy: an export is ready", async (tx) => {
    await tx
      .updateTable("privacy_requests")
      .set({ status: "ready", storage_key: key, byte_size: zip.byteLength, completed_at: now, expires_at: expiresAt })
      .where("id", "=", request.id)
      .execute();
    await deps.mail.enqueue(
      {
        to,
        kind: "privacy_export_ready",
        subject: translate(request.locale, "myPrivacy.email.exportSubject"),
        text: translate(request.locale, "myPrivacy.email.exportBody", { link, days: EXPORT_VALID_DAYS }),
      },
      tx,
    );
  });
}

export type DownloadOutcome = { ok: true; stream: ReadableStream<Uint8Array>; size: number | null } | { ok: false; status: 404 | 410 };

/** Only the member sees their own request (RLS); an expired link answers 410; each download is audited. */
export async function openExport(
  deps: { db: Database; storage: FileStorage },
  viewer: Viewer,
  requestId: number,
): Promise<DownloadOutcome> {
  const row = await deps.db.withUser(viewer.claims, (tx) =>
    tx
      .selectFrom("privacy_requests")
      .select(["id", "status", "storage_key", "expires_at", "byte_size"])
      .where("id", "=", requestId)
      .where("kind", "=", "export")
      .executeTakeFirst(),
  );
  if (!row || !row.storage_key || row.status !== "ready") return { ok: false, status: 404 };
  if (!row.expires_at || new Date(row.expires_at).getTime() <= Date.now()) return { ok: false, status: 410 };
  const stream = await deps.storage.open(row.storage_key);
  if (!stream) return { ok: false, status: 410 };
  await deps.db.asSystem("privacy: audit an export download", (tx) => audit(tx, viewer.id, "privacy.export_downloaded", requestId));
  return { ok: true, stream, size: row.byte_size };
}

/** Export zips past their 7 days: blobs removed, rows marked expired. */
export async function expireExports(deps: { db: Database; storage: FileStorage }, now = new Date()): Promise<number> {
  const rows = await deps.db.asSystem("privacy: expired exports", (tx) =>
    tx
      .selectFrom("privacy_requests")
      .select(["id", "storage_key"])
      .where("kind", "=", "export")
      .where("status", "=", "ready")
      .where("expires_at", "<=", now)
      .execute(),
  );
  const keys = rows.flatMap((r) => (r.storage_key ? [r.storage_key] : []));
  if (keys.length) await deps.storage.remove(keys);
  if (rows.length) {
    await deps.db.asSystem("privacy: mark exports expired", (tx) =>
      tx
        .updateTable("privacy_requests")
        .set({ status: "expired", storage_key: null })
        .where(
          "id",
          "in",
          rows.map((r) => r.id),
        )
        .execute(),
    );
  }
  return rows.length;
}

// ── Deletion ─────────────────────────────────────────────────────────────────

/** True when the member is an admin and no other admin would remain. */
async function isLastAdmin(tx: Tx, memberId: string): Promise<boolean> {
  const {
    rows: [row],
  } = await sql<{ me: boolean; others: number }>`
    select exists (select 1 from public.user_roles where user_id = ${memberId}::uuid and role = 'admin') as me,
           (select count(*)::int from public.user_roles where role = 'admin' and user_id <> ${memberId}::uuid) as others`.execute(tx);
  return !!row?.me && Number(row.others) === 0;
}

export async function requestDeletion(
  deps: PrivacyDeps,
  viewer: Viewer,
  now = new Date(),
): Promise<Outcome<{ requestId: number; dueAt: Date }>> {
  try {
    return await deps.db.asSystem("privacy: a member requests deletion", async (tx) => {
      if (await isLastAdmin(tx, viewer.id)) return refused(409, "myPrivacy.errors.lastAdmin");
      const dueAt = new Date(now.getTime() + DELETION_GRACE_DAYS * DAY);
      const row = await tx
        .insertInto("privacy_requests")
        .values({ user_id: viewer.id, kind: "deletion", locale: viewer.locale, due_at: dueAt })
        .returning("id")
        .executeTakeFirstOrThrow();
      const requestId = Number(row.id);
      await audit(tx, viewer.id, "privacy.deletion_requested", requestId);
      await deps.jobs.schedule({ type: ERASE_JOB, payload: { requestId }, runAt: dueAt, key: `${ERASE_JOB}:${requestId}` }, tx);
      return { ok: true, requestId, dueAt } as const;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return refused(409, "myPrivacy.errors.deletionPending");
    throw error;
  }
}

/**
 * When the member's pending deletion is due, if she has one (her own row, through RLS).
 * Signing in during the grace period asks her, first thing, whether to cancel it.
 */
export async function pendingDeletionDue(db: Database, claims: Viewer["claims"]): Promise<Date | null> {
  const row = await db.withUser(
    claims,
    (tx) =>
      tx
        .selectFrom("privacy_requests")
        .select("due_at")
        .where("user_id", "=", claims.sub)
        .where("kind", "=", "deletion")
        .where("status", "=", "pending")
        .executeTakeFirst(),
    { readOnly: true },
  );
  return row ? new Date(row.due_at) : null;
}

export async function cancelDeletion(deps: PrivacyDeps, viewer: Viewer): Promise<Outcome> {
  const cancelled = await deps.db.asSystem("privacy: a member cancels their deletion", async (tx) => {
    const rows = await tx
      .updateTable("privacy_requests")
      .set({ status: "cancelled", completed_at: new Date() })
      .where("user_id", "=", viewer.id)
      .where("kind", "=", "deletion")
      .where("status", "=", "pending")
      .returning("id")
      .execute();
    for (const row of rows) {
      await audit(tx, viewer.id, "privacy.deletion_cancelled", Number(row.id));
      await tx
        .updateTable("jobs")
        .set({ state: "cancelled", finished_at: new Date() })
        .where("key", "=", `${ERASE_JOB}:${row.id}`)
        .where("state", "=", "queued")
        .execute();
    }
    return rows.length;
  });
  return cancelled > 0 ? { ok: true } : refused(409, "myPrivacy.errors.noDeletionPending");
}

export interface EraseDeps {
  db: Database;
  storage: FileStorage;
  logger: Logger;
  /** Closes the member's live sockets (every process), when the realtime server runs. */
  disconnectUser?: (userId: string) => Promise<void>;
}

export class ErasureRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ErasureRefused";
  }
}

/** Erases the member of a pending, due deletion request; does nothing if it was cancelled. */
export async function eraseForRequest(deps: EraseDeps, requestId: number, now = new Date()): Promise<"erased" | "skipped"> {
  const request = await deps.db.asSystem("privacy: read a deletion request", (tx) =>
    tx
      .selectFrom("privacy_requests")
      .select(["user_id", "status", "due_at", "locale"])
      .where("id", "=", requestId)
      .where("kind", "=", "deletion")
      .executeTakeFirst(),
  );
  if (!request || request.status !== "pending") return "skipped";
  if (new Date(request.due_at).getTime() > now.getTime()) throw new ErasureRefused(`deletion request ${requestId} is not due yet`);
  await eraseMember(deps, request.user_id, request.locale);
  return "erased";
}

/** The erasure itself: every module's eraseFor, then the account; blobs after the commit. */
export async function eraseMember(deps: EraseDeps, memberId: string, locale: Locale = "fr-CA"): Promise<void> {
  const context: ErasureContext = { storageKeys: [], placeholder: translate(locale, "myPrivacy.formerMember") };
  await deps.db.asSystem("privacy: erase a member", async (tx) => {
    if (await isLastAdmin(tx, memberId)) throw new ErasureRefused("the last admin cannot be erased");
    const {
      rows: [who],
    } = await sql<{ email: string; display_name: string | null; contact_email: string | null }>`
      select u.email, p.display_name, pp.contact_email from auth.users u
        left join public.profiles p on p.id = u.id left join public.profile_private pp on pp.user_id = u.id
       where u.id = ${memberId}::uuid`.execute(tx);
    if (!who) return;
    const subject: ErasureSubject = {
      memberId,
      email: who.email,
      names: [who.display_name, who.contact_email].filter((n): n is string => !!n && n.trim().length > 0),
    };
    for (const contract of PRIVACY_CONTRACTS) await contract.eraseFor(tx, subject, context);
    await sql`delete from auth.users where id = ${memberId}::uuid`.execute(tx);
    // What happened, without whom.
    await audit(tx, null, "privacy.member_erased", null);
  });
  if (context.storageKeys.length) {
    try {
      await deps.storage.remove(context.storageKeys);
    } catch (error) {
      // The rows are gone; the file purge queue does not know these keys, so retry here by failing the job.
      deps.logger.warn({ err: error }, "privacy: could not remove erased files");
      throw error;
    }
  }
  await deps.disconnectUser?.(memberId).catch((error) => deps.logger.warn({ err: error }, "privacy: could not disconnect sockets"));
}

// ── Settings and consents (the page) ─────────────────────────────────────────

export interface PrivacySettings {
  directory: boolean;
  presence: boolean;
  emailDelayMinutes: number | null;
}

export interface OptionalConsentState {
  kind: OptionalConsent;
  /** The feature is on: the member consents to this use now. */
  on: boolean;
}

/**
 * Each optional consent is the state of its feature, read in the module that owns it:
 * the directory listing (profiles), presence (chat), notification emails, forum emails
 * (no row: each reply emailed, the forums' default) and, for mentors, being proposed by
 * the matching. Mentor matching is listed only for members with a mentor profile.
 */
async function readOptional(tx: Tx, memberId: string): Promise<{ settings: PrivacySettings; optional: OptionalConsentState[] }> {
  const profile = await tx.selectFrom("profiles").select("directory_opt_in").where("id", "=", memberId).executeTakeFirst();
  const presence = await tx.selectFrom("presence").select("visible").where("user_id", "=", memberId).executeTakeFirst();
  const mail = await tx
    .selectFrom("notification_settings")
    .select("email_delay_minutes")
    .where("user_id", "=", memberId)
    .executeTakeFirst();
  const forum = await tx.selectFrom("forum_email_settings").select("mode").where("user_id", "=", memberId).executeTakeFirst();
  const mentor = await tx.selectFrom("mentor_profiles").select("matching_opt_in").where("user_id", "=", memberId).executeTakeFirst();
  const settings: PrivacySettings = {
    directory: profile?.directory_opt_in ?? false,
    presence: presence?.visible ?? false,
    emailDelayMinutes: mail ? mail.email_delay_minutes : DEFAULT_EMAIL_DELAY_MINUTES,
  };
  const optional: OptionalConsentState[] = [
    { kind: "directory", on: settings.directory },
    { kind: "presence", on: settings.presence },
    { kind: "notification_emails", on: settings.emailDelayMinutes !== null },
    { kind: "forum_emails", on: (forum?.mode ?? "each") !== "off" },
    ...(mentor ? [{ kind: "mentor_matching" as const, on: mentor.matching_opt_in }] : []),
  ];
  return { settings, optional };
}

export async function getPrivacyPage(db: Database, viewer: Viewer) {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const { settings, optional } = await readOptional(tx, viewer.id);
      const consents = await tx
        .selectFrom("consents")
        .select(["kind", "version", "granted", "created_at"])
        .where("user_id", "=", viewer.id)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .execute();
      return {
        settings,
        optional,
        consents: consents.map((c) => ({ kind: c.kind, version: c.version, granted: c.granted, at: new Date(c.created_at).toISOString() })),
      };
    },
    { readOnly: true },
  );
}

/** A change of an optional consent, in the consents history with the notice version in force. */
async function recordConsents(tx: Tx, memberId: string, changes: ReadonlyArray<{ kind: OptionalConsent; granted: boolean }>) {
  if (changes.length === 0) return;
  await tx
    .insertInto("consents")
    .values(changes.map((c) => ({ user_id: memberId, kind: c.kind, version: PRIVACY_VERSION, granted: c.granted })))
    .execute();
}

/**
 * The privacy settings of three modules, saved together as the member (RLS: their own
 * rows only); a setting that turns an optional consent on or off is recorded as such.
 */
export async function savePrivacySettings(
  db: Database,
  viewer: Viewer,
  input: { directory: boolean; presence: boolean; emailDelayMinutes: number | null },
) {
  await db.withUser(viewer.claims, async (tx) => {
    const before = (await readOptional(tx, viewer.id)).settings;
    await tx.updateTable("profiles").set({ directory_opt_in: input.directory }).where("id", "=", viewer.id).execute();
    await tx
      .insertInto("presence")
      .values({ user_id: viewer.id, visible: input.presence })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ visible: input.presence }))
      .execute();
    await tx
      .insertInto("notification_settings")
      .values({ user_id: viewer.id, email_delay_minutes: input.emailDelayMinutes })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ email_delay_minutes: input.emailDelayMinutes }))
      .execute();
    const changes: Array<{ kind: OptionalConsent; granted: boolean }> = [];
    if (before.directory !== input.directory) changes.push({ kind: "directory", granted: input.directory });
    if (before.presence !== input.presence) changes.push({ kind: "presence", granted: input.presence });
    if ((before.emailDelayMinutes === null) !== (input.emailDelayMinutes === null))
      changes.push({ kind: "notification_emails", granted: input.emailDelayMinutes !== null });
    await recordConsents(tx, viewer.id, changes);
  });
}

/**
 * Withdraws one optional consent: its feature is turned off where it lives (as the
 * member, through RLS) and the withdrawal is recorded with its date. Withdrawing an
 * optional consent never touches the account; withdrawing the privacy consent itself
 * is a deletion request (the page says so).
 */
export async function withdrawConsent(db: Database, viewer: Viewer, kind: OptionalConsent): Promise<Outcome> {
  return db.withUser(viewer.claims, async (tx) => {
    const current = (await readOptional(tx, viewer.id)).optional.find((c) => c.kind === kind);
    if (!current?.on) return refused(409, "myPrivacy.errors.notGranted");
    switch (kind) {
      case "directory":
        await tx.updateTable("profiles").set({ directory_opt_in: false }).where("id", "=", viewer.id).execute();
        break;
      case "presence":
        await tx.updateTable("presence").set({ visible: false }).where("user_id", "=", viewer.id).execute();
        break;
      case "notification_emails":
        await tx
          .insertInto("notification_settings")
          .values({ user_id: viewer.id, email_delay_minutes: null })
          .onConflict((oc) => oc.column("user_id").doUpdateSet({ email_delay_minutes: null }))
          .execute();
        break;
      case "forum_emails":
        await tx
          .insertInto("forum_email_settings")
          .values({ user_id: viewer.id, mode: "off" })
          .onConflict((oc) => oc.column("user_id").doUpdateSet({ mode: "off", updated_at: new Date() }))
          .execute();
        break;
      case "mentor_matching":
        await tx.updateTable("mentor_profiles").set({ matching_opt_in: false }).where("user_id", "=", viewer.id).execute();
        break;
    }
    await recordConsents(tx, viewer.id, [{ kind, granted: false }]);
    return { ok: true } as const;
  });
}
