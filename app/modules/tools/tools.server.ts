// Tools library: a curated, versioned, reviewed catalogue of clinical tools (guides,
// protocols, forms…), with uploads, bookmarks, suggestions and citations.
// Owns public.tools (extended), files (purpose 'tool'), tool_bookmarks,
// tool_suggestions, tool_citations. Every function acts with the claims of the person
// asking (db.withUser): RLS is the wall; the checks here turn refusals into clear
// answers (404 for what you cannot see, 403 for what you may not do, 400 with field
// errors for bad input). Files: bytes go to storage BEFORE the transaction that
// records them, and are removed again if it fails; blobs of deleted rows are removed
// AFTER commit (file_purges), so no row is left without its file and no file without
// its row.
import { createHash } from "node:crypto";
import { sql, type RawBuilder } from "kysely";
import type { Logger } from "pino";
import type { Viewer } from "~/modules/accounts/accounts.server";
import { hasRole } from "~/modules/accounts/accounts.server";
import type { Claims, Database, Tx } from "~/utils/db.server";
import { likeEscape } from "~/modules/search/excerpt";
import { newStorageKey, recordStoredBlob, STORAGE_PREFIXES, type FileStorage, type StoragePrefix } from "~/utils/storage.server";
import { checkUpload, type FileRefusal } from "./file-types";
import { FACETS, isUuid, SEARCH_PAGE_SIZE, TOOL_TRANSITIONS, type Facet, type FileContentType, type ToolStatus } from "./limits";

export { isPastDue, isUuid } from "./limits";
import { extractPdfText } from "./pdf-text.server";
import type { SuggestionInput, ToolInput, ToolSearchParams } from "./schemas";
import type { UploadedFile } from "./upload.server";
// The multipart parser (size-limited, path names refused) for other capabilities' upload forms.
export { FILE_FIELD, parseToolForm as parseUploadForm, type UploadedFile } from "./upload.server";
import {
  attempt,
  refused as refuse,
  SQLSTATE,
  type DbRefusalMap,
  type FieldErrors,
  type Outcome,
  type Refused,
  type RefusalStatus,
} from "~/utils/outcome";
import { localToday } from "~/utils/local-time";

export interface ToolDeps {
  db: Database;
  storage: FileStorage;
  logger?: Pick<Logger, "warn" | "error">;
}

export type { FieldErrors, Outcome, Refused };

const refused = (status: RefusalStatus, formError?: string, fieldErrors?: FieldErrors): Refused =>
  refuse(status, formError, { fieldErrors });

/** Database refusals (tokens raised by the tools triggers, RLS, constraints) as i18n keys with an HTTP status. */
export const TOOL_DB_REFUSALS: DbRefusalMap = {
  tokens: {
    tool_invalid_transition: [409, "tools.errors.transition"],
    tool_incomplete: [400, "tools.errors.incomplete"],
    tool_archived: [409, "tools.errors.archived"],
    tool_version_fixed: [400, "errors.invalid"],
    tool_suggestion_rate_limited: [429, "tools.errors.suggestion_rate"],
  },
  constraints: { tools_supersedes_idx: [409, "tools.errors.version_exists"] },
  codes: {
    [SQLSTATE.insufficientPrivilege]: [403, "tools.errors.forbidden"],
    [SQLSTATE.checkViolation]: [400, "errors.invalid"],
    [SQLSTATE.stringTooLong]: [400, "errors.invalid"],
    [SQLSTATE.invalidTextRepresentation]: [400, "errors.invalid"],
    [SQLSTATE.foreignKeyViolation]: [400, "errors.invalid"],
  },
};

const guarded = <T extends object>(fn: () => Promise<Outcome<T>>) => attempt(fn, TOOL_DB_REFUSALS);

// ── Library search ─────────────────────────────────────────────────────────────

function whereClause(p: ToolSearchParams, except?: Facet): RawBuilder<unknown> {
  const c: RawBuilder<unknown>[] = [sql`t.status = 'published'`];
  if (!p.superseded) c.push(sql`t.superseded_by is null`);
  if (p.q) {
    c.push(sql`(t.search_vector @@ (websearch_to_tsquery('public.passerelle_fr'::regconfig, ${p.q})
                                 || websearch_to_tsquery('public.passerelle_en'::regconfig, ${p.q}))
             or t.title_search like '%' || public.immutable_unaccent(lower(${likeEscape(p.q)})) || '%')`);
  }
  if (p.kind && except !== "kind") c.push(sql`t.kind = ${p.kind}`);
  if (p.topic && except !== "topic") c.push(sql`${p.topic} = any (t.topics)`);
  if (p.discipline && except !== "discipline") c.push(sql`${p.discipline} = any (t.disciplines)`);
  if (p.publisher && except !== "publisher") c.push(sql`t.publisher = ${p.publisher}`);
  if (p.language && except !== "language") c.push(sql`t.language = ${p.language}`);
  if (p.year && except !== "year") c.push(sql`left(t.published_on, 4) = ${p.year}`);
  return sql.join(c, sql` and `);
}

export interface ToolCard {
  id: string;
  title: string;
  publisher: string | null;
  published_on: string | null;
  kind: string;
  topics: string[];
  disciplines: string[];
  language: string;
  summary_fr: string;
  summary_en: string;
  version_label: string | null;
  superseded_by: string | null;
  review_due_on: string | null;
  url: string | null;
  has_file: boolean;
  bookmarks: number;
}

export async function searchTools(db: Database, claims: Claims, p: ToolSearchParams) {
  return db.withUser(
    claims,
    async (tx) => {
      const rank = p.q
        ? sql`ts_rank_cd(t.search_vector, websearch_to_tsquery('public.passerelle_fr'::regconfig, ${p.q})
                                       || websearch_to_tsquery('public.passerelle_en'::regconfig, ${p.q}))
            + case when t.title_search like '%' || public.immutable_unaccent(lower(${likeEscape(p.q)})) || '%' then 1 else 0 end`
        : sql`0`;
      const order =
        p.sort === "bookmarks"
          ? sql`coalesce(bc.bookmarks, 0) desc, t.published_on desc nulls last, t.title`
          : p.sort === "relevance" && p.q
            ? sql`rank desc, t.published_on desc nulls last, t.title`
            : sql`t.published_on desc nulls last, t.title`;
      const offset = (p.page - 1) * SEARCH_PAGE_SIZE;
      const items = (
        await sql<ToolCard & { rank: number }>`
      select t.id, t.title, t.publisher, t.published_on, t.kind, t.topics, t.disciplines, t.language,
             t.summary_fr, t.summary_en, t.version_label, t.superseded_by, t.review_due_on::text as review_due_on,
             t.url, t.file_id is not null as has_file, coalesce(bc.bookmarks, 0)::int as bookmarks, ${rank} as rank
        from public.tools t
        left join public.tool_bookmark_counts() bc on bc.tool_id = t.id
       where ${whereClause(p)}
       order by ${order}
       limit ${SEARCH_PAGE_SIZE} offset ${offset}`.execute(tx)
      ).rows;
      const total =
        (await sql<{ n: number }>`select count(*)::int as n from public.tools t where ${whereClause(p)}`.execute(tx)).rows[0]?.n ?? 0;
      const facetRows = (
        await sql<{ facet: Facet; value: string; n: number }>`
      select 'kind' as facet, t.kind as value, count(*)::int as n from public.tools t where ${whereClause(p, "kind")} group by 2
      union all
      select 'topic', u.value, count(*)::int from public.tools t cross join lateral unnest(t.topics) as u(value)
       where ${whereClause(p, "topic")} group by 2
      union all
      select 'discipline', u.value, count(*)::int from public.tools t cross join lateral unnest(t.disciplines) as u(value)
       where ${whereClause(p, "discipline")} group by 2
      union all
      select 'publisher', t.publisher, count(*)::int from public.tools t where ${whereClause(p, "publisher")} and t.publisher is not null group by 2
      union all
      select 'language', t.language, count(*)::int from public.tools t where ${whereClause(p, "language")} group by 2
      union all
      select 'year', left(t.published_on, 4), count(*)::int from public.tools t where ${whereClause(p, "year")} and t.published_on is not null group by 2
    `.execute(tx)
      ).rows;
      const facets = Object.fromEntries(FACETS.map((f) => [f, [] as Array<{ value: string; count: number }>])) as Record<
        Facet,
        Array<{ value: string; count: number }>
      >;
      for (const row of facetRows) facets[row.facet].push({ value: row.value, count: row.n });
      for (const f of FACETS) {
        facets[f].sort((a, b) => (f === "year" ? b.value.localeCompare(a.value) : b.count - a.count || a.value.localeCompare(b.value)));
      }
      return {
        items: items.map(({ rank: _rank, ...item }) => item),
        total,
        facets,
        pageCount: Math.max(1, Math.ceil(total / SEARCH_PAGE_SIZE)),
      };
    },
    { readOnly: true },
  );
}

// ── One item ───────────────────────────────────────────────────────────────────

export interface ToolVersionLink {
  id: string;
  title: string;
  version_label: string | null;
  published_on: string | null;
  status: string;
}
export interface Citation {
  kind: "forum_post";
  postId: number;
  postNumber: number;
  topicId: number;
  title: string;
  createdAt: string;
}

export async function getTool(db: Database, claims: Claims, id: string) {
  if (!isUuid(id)) return null;
  return db.withUser(
    claims,
    async (tx) => {
      const tool = await tx
        .selectFrom("tools as t")
        .leftJoin("files as f", "f.id", "t.file_id")
        .select([
          "t.id",
          "t.title",
          "t.publisher",
          "t.published_on",
          "t.kind",
          "t.topics",
          "t.disciplines",
          "t.language",
          "t.summary_fr",
          "t.summary_en",
          "t.url",
          "t.status",
          "t.version_label",
          "t.supersedes_id",
          "t.superseded_by",
          "t.superseded_at",
          "t.last_reviewed_on",
          "t.review_due_on",
          "t.published_at",
          "t.updated_at",
          "t.created_at",
          "t.file_id",
          "f.original_name as file_name",
          "f.content_type as file_type",
          "f.byte_size as file_size",
        ])
        .where("t.id", "=", id)
        .executeTakeFirst();
      if (!tool) return null;
      // The whole chain of versions the reader may see (RLS hides drafts from members).
      const versions = (
        await sql<ToolVersionLink>`
      with recursive older as (
        select t.id, t.supersedes_id, 0 as depth from public.tools t where t.id = ${id}
        union all
        select t.id, t.supersedes_id, o.depth + 1 from public.tools t join older o on t.id = o.supersedes_id where o.depth < 50
      ), newer as (
        select t.id, 0 as depth from public.tools t where t.id = ${id}
        union all
        select t.id, n.depth + 1 from public.tools t join newer n on t.supersedes_id = n.id where n.depth < 50
      )
      select t.id, t.title, t.version_label, t.published_on, t.status
        from public.tools t
       where t.id in (select id from older union select id from newer)
       order by coalesce(t.published_at, t.created_at) desc`.execute(tx)
      ).rows;
      const bookmarked = claims
        ? Boolean(
            await tx
              .selectFrom("tool_bookmarks")
              .select("tool_id")
              .where("tool_id", "=", id)
              .where("user_id", "=", claims.sub)
              .executeTakeFirst(),
          )
        : false;
      const count =
        (
          await sql<{
            n: number;
          }>`select coalesce((select bookmarks from public.tool_bookmark_counts() where tool_id = ${id}), 0)::int as n`.execute(tx)
        ).rows[0]?.n ?? 0;
      const citations = await listCitations(tx, id);
      return { tool, versions, bookmarked, bookmarks: count, citations };
    },
    { readOnly: true },
  );
}

/** Where the item is cited, as far as the reader may see (RLS on the posts decides). */
async function listCitations(tx: Tx, toolId: string): Promise<Citation[]> {
  const forums = (await sql<{ present: boolean }>`select to_regclass('public.forum_posts') is not null as present`.execute(tx)).rows[0];
  if (!forums?.present) return [];
  const rows = await tx
    .selectFrom("tool_citations as c")
    .innerJoin("forum_posts as p", (join) => join.on(sql`p.id::text`, "=", sql.ref("c.source_id")))
    .innerJoin("forum_topics as tp", "tp.id", "p.topic_id")
    .select(["p.id as post_id", "p.post_number", "tp.id as topic_id", "tp.title", "p.created_at"])
    .where("c.tool_id", "=", toolId)
    .where("c.source_kind", "=", "forum_post")
    .where("p.status", "=", "published")
    .where("p.deleted_at", "is", null)
    .where("tp.deleted_at", "is", null)
    .orderBy("p.created_at", "desc")
    .limit(20)
    .execute();
  return rows.map((r) => ({
    kind: "forum_post",
    postId: r.post_id,
    postNumber: r.post_number,
    topicId: r.topic_id,
    title: r.title,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** A file row the reader may see (RLS: the item holding it is visible to them). */
export async function getFileForDownload(db: Database, claims: Claims, fileId: string) {
  if (!isUuid(fileId)) return null;
  return db.withUser(
    claims,
    (tx) =>
      tx
        .selectFrom("files")
        .select(["id", "storage_key", "original_name", "content_type", "byte_size"])
        .where("id", "=", fileId)
        .executeTakeFirst(),
    { readOnly: true },
  );
}

// ── Bookmarks ──────────────────────────────────────────────────────────────────

export async function setBookmark(db: Database, viewer: Viewer, toolId: string, on: boolean): Promise<Outcome> {
  if (!isUuid(toolId)) return refused(404, "tools.errors.not_found");
  return guarded(() =>
    db.withUser(viewer.claims, async (tx) => {
      const visible = await tx.selectFrom("tools").select("id").where("id", "=", toolId).executeTakeFirst();
      if (!visible) return refused(404, "tools.errors.not_found");
      if (on)
        await tx
          .insertInto("tool_bookmarks")
          .values({ user_id: viewer.id, tool_id: toolId })
          .onConflict((oc) => oc.doNothing())
          .execute();
      else await tx.deleteFrom("tool_bookmarks").where("user_id", "=", viewer.id).where("tool_id", "=", toolId).execute();
      return { ok: true as const };
    }),
  );
}

export async function listMyTools(db: Database, viewer: Viewer) {
  return db.withUser(
    viewer.claims,
    (tx) =>
      tx
        .selectFrom("tool_bookmarks as b")
        .innerJoin("tools as t", "t.id", "b.tool_id")
        .leftJoin("tools as n", "n.id", "t.superseded_by")
        .select([
          "t.id",
          "t.title",
          "t.publisher",
          "t.published_on",
          "t.kind",
          "t.review_due_on",
          "t.superseded_by",
          "t.version_label",
          "n.title as newer_title",
          "b.created_at",
        ])
        .where("b.user_id", "=", viewer.id)
        .orderBy("b.created_at", "desc")
        .execute(),
    { readOnly: true },
  );
}

// ── Suggestions ────────────────────────────────────────────────────────────────

export async function suggestTool(db: Database, viewer: Viewer, input: SuggestionInput): Promise<Outcome<{ id: string }>> {
  if (!viewer.verified) return refused(403, "tools.errors.verified_only");
  return guarded(() =>
    db.withUser(viewer.claims, async (tx) => {
      const row = await tx
        .insertInto("tool_suggestions")
        .values({
          suggested_by: viewer.id,
          title: input.title,
          url: input.url ?? null,
          publisher: input.publisher ?? null,
          note: input.note ?? "",
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return { ok: true as const, id: row.id };
    }),
  );
}

export async function listMySuggestions(db: Database, viewer: Viewer) {
  return db.withUser(
    viewer.claims,
    (tx) =>
      tx
        .selectFrom("tool_suggestions")
        .select(["id", "title", "status", "created_at", "tool_id"])
        .where("suggested_by", "=", viewer.id)
        .orderBy("created_at", "desc")
        .limit(20)
        .execute(),
    { readOnly: true },
  );
}

export async function resolveSuggestion(
  db: Database,
  viewer: Viewer,
  suggestionId: string,
  decision: "accept" | "decline",
): Promise<Outcome<{ toolId: string | null }>> {
  if (!hasRole(viewer, "curator")) return refused(403, "tools.errors.forbidden");
  return guarded(() =>
    db.withUser(viewer.claims, async (tx) => {
      const suggestion = await tx.selectFrom("tool_suggestions").selectAll().where("id", "=", suggestionId).executeTakeFirst();
      if (!suggestion) return refused(404, "tools.errors.not_found");
      if (suggestion.status !== "open") return refused(409, "tools.errors.suggestion_closed");
      let toolId: string | null = null;
      if (decision === "accept") {
        // A draft to complete (summary, topics, review dates) before it goes to review.
        const tool = await tx
          .insertInto("tools")
          .values({
            title: suggestion.title,
            publisher: suggestion.publisher,
            kind: "guide",
            topics: [],
            url: suggestion.url,
            status: "draft",
            created_by: viewer.id,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        toolId = tool.id;
      }
      await tx
        .updateTable("tool_suggestions")
        .set({
          status: decision === "accept" ? "accepted" : "declined",
          tool_id: toolId,
          resolved_by: viewer.id,
          resolved_at: new Date(),
        })
        .where("id", "=", suggestionId)
        .execute();
      return { ok: true as const, toolId };
    }),
  );
}

// ── Curation ───────────────────────────────────────────────────────────────────

export async function listCuration(db: Database, viewer: Viewer, today = localToday()) {
  return db.withUser(
    viewer.claims,
    async (tx) => {
      const base = () =>
        tx
          .selectFrom("tools")
          .select([
            "id",
            "title",
            "publisher",
            "status",
            "kind",
            "review_due_on",
            "last_reviewed_on",
            "updated_at",
            "version_label",
            "supersedes_id",
          ]);
      const inProgress = await base().where("status", "in", ["draft", "in_review"]).orderBy("updated_at", "desc").limit(200).execute();
      const toReview = await base()
        .where("status", "=", "published")
        .where("superseded_by", "is", null)
        .where("review_due_on", "<", today)
        .orderBy("review_due_on")
        .limit(200)
        .execute();
      const archived = await base().where("status", "=", "archived").orderBy("updated_at", "desc").limit(50).execute();
      const suggestions = await tx
        .selectFrom("tool_suggestions as s")
        .leftJoin("profiles as p", "p.id", "s.suggested_by")
        .select(["s.id", "s.title", "s.url", "s.publisher", "s.note", "s.created_at", "p.display_name as suggested_by_name"])
        .where("s.status", "=", "open")
        .orderBy("s.created_at")
        .limit(200)
        .execute();
      return { inProgress, toReview, archived, suggestions };
    },
    { readOnly: true },
  );
}

type UploadOutcome = { ok: true; stored: StoredUpload | null } | { ok: false; reason: FileRefusal | "storage" };
export interface StoredUpload {
  key: string;
  name: string;
  contentType: FileContentType;
  size: number;
  sha256: string;
  text: string;
}

/** Checks the bytes, extracts PDF text, stores the blob: all before any transaction. */
async function storeUpload(deps: ToolDeps, file: UploadedFile | null, prefix: StoragePrefix = "tool"): Promise<UploadOutcome> {
  if (!file) return { ok: true, stored: null };
  const checked = checkUpload(file.name, file.bytes);
  if (!checked.ok) return checked;
  const text = prefix === "tool" && checked.contentType === "application/pdf" ? await extractPdfText(file.bytes) : "";
  const key = newStorageKey(prefix);
  try {
    await deps.storage.put(key, file.bytes, checked.contentType);
  } catch (error) {
    deps.logger?.error({ err: error }, "tools: storing an upload failed");
    return { ok: false, reason: "storage" };
  }
  return {
    ok: true,
    stored: {
      key,
      name: checked.name,
      contentType: checked.contentType,
      size: file.bytes.byteLength,
      sha256: createHash("sha256").update(file.bytes).digest("hex"),
      text,
    },
  };
}

/**
 * Another capability's upload through the library's checks and storage (events' slides):
 * the same type sniffing, size limit and storage, before its own transaction records
 * the `files` row. A refusal names the `file` field; storage failure is a 503.
 */
export async function storeCheckedUpload(
  deps: ToolDeps,
  file: UploadedFile,
  prefix: Exclude<StoragePrefix, "tool">,
): Promise<{ ok: true; stored: StoredUpload } | Refused> {
  const upload = await storeUpload(deps, file, prefix);
  if (!upload.ok) return fileRefusal(upload.reason);
  return { ok: true, stored: upload.stored! };
}

function fileRefusal(reason: FileRefusal | "storage"): Refused {
  if (reason === "storage") return refused(503, "tools.errors.storage");
  return refused(400, undefined, { file: [`tools.errors.${reason}`] });
}

/** The `files` row of a stored upload, in the caller's transaction (its RLS decides by purpose). */
export async function insertFileRow(
  tx: Tx,
  viewer: Viewer,
  stored: StoredUpload,
  purpose: "tool" | "event_slides" = "tool",
): Promise<string> {
  const row = await tx
    .insertInto("files")
    .values({
      purpose,
      storage_key: stored.key,
      original_name: stored.name,
      content_type: stored.contentType,
      byte_size: stored.size,
      sha256: stored.sha256,
      uploaded_by: viewer.id,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

const toolColumns = (input: ToolInput) => ({
  title: input.title,
  kind: input.kind,
  publisher: input.publisher || null,
  published_on: input.publishedOn || null,
  version_label: input.versionLabel || null,
  language: input.language,
  topics: input.topics,
  disciplines: input.disciplines,
  url: input.url || null,
  summary_fr: input.summaryFr,
  summary_en: input.summaryEn ?? "",
  last_reviewed_on: input.lastReviewedOn || null,
  review_due_on: input.reviewDueOn || null,
});

async function withUpload<T extends object>(
  deps: ToolDeps,
  file: UploadedFile | null,
  fn: (stored: StoredUpload | null) => Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  const upload = await storeUpload(deps, file);
  if (!upload.ok) return fileRefusal(upload.reason);
  const outcome = await recordStoredBlob(deps, upload.stored?.key ?? null, () => guarded(() => fn(upload.stored)));
  if (outcome.ok) await purgeDeletedFiles(deps);
  return outcome;
}

export async function createTool(
  deps: ToolDeps,
  viewer: Viewer,
  input: ToolInput,
  file: UploadedFile | null,
): Promise<Outcome<{ id: string }>> {
  if (!hasRole(viewer, "curator")) return refused(403, "tools.errors.forbidden");
  if (!input.url && !file) return refused(400, undefined, { url: ["tools.errors.link_or_file"] });
  return withUpload(deps, file, (stored) =>
    deps.db.withUser(viewer.claims, async (tx) => {
      const fileId = stored ? await insertFileRow(tx, viewer, stored) : null;
      const row = await tx
        .insertInto("tools")
        .values({
          ...toolColumns(input),
          status: "draft",
          created_by: viewer.id,
          file_id: fileId,
          file_text: stored?.text ?? "",
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return { ok: true as const, id: row.id };
    }),
  );
}

export async function updateTool(
  deps: ToolDeps,
  viewer: Viewer,
  id: string,
  input: ToolInput,
  file: UploadedFile | null,
): Promise<Outcome<{ id: string }>> {
  if (!hasRole(viewer, "curator")) return refused(403, "tools.errors.forbidden");
  if (!isUuid(id)) return refused(404, "tools.errors.not_found");
  return withUpload(deps, file, (stored) =>
    deps.db.withUser(viewer.claims, async (tx) => {
      const current = await tx.selectFrom("tools").select(["id", "status", "file_id"]).where("id", "=", id).executeTakeFirst();
      if (!current) return refused(404, "tools.errors.not_found");
      if (current.status === "archived") return refused(409, "tools.errors.archived");
      const keepFile = !input.removeFile && current.file_id !== null;
      if (!input.url && !stored && !keepFile) return refused(400, undefined, { url: ["tools.errors.link_or_file"] });
      const fileColumns = stored
        ? { file_id: await insertFileRow(tx, viewer, stored), file_text: stored.text }
        : input.removeFile
          ? { file_id: null, file_text: "" }
          : {};
      // Replacing or removing the file deletes the old row (trigger), which queues its blob.
      await tx
        .updateTable("tools")
        .set({ ...toolColumns(input), ...fileColumns })
        .where("id", "=", id)
        .execute();
      return { ok: true as const, id };
    }),
  );
}

export async function setToolStatus(deps: ToolDeps, viewer: Viewer, id: string, to: ToolStatus): Promise<Outcome> {
  if (!hasRole(viewer, "curator")) return refused(403, "tools.errors.forbidden");
  if (!isUuid(id)) return refused(404, "tools.errors.not_found");
  return guarded(() =>
    deps.db.withUser(viewer.claims, async (tx) => {
      const current = await tx.selectFrom("tools").select(["status"]).where("id", "=", id).executeTakeFirst();
      if (!current) return refused(404, "tools.errors.not_found");
      if (!TOOL_TRANSITIONS[current.status].includes(to)) return refused(409, "tools.errors.transition");
      await tx.updateTable("tools").set({ status: to }).where("id", "=", id).execute();
      return { ok: true as const };
    }),
  );
}

/** A new draft version of an item: same metadata, no file yet; publishing it marks the old one superseded. */
export async function createNewVersion(deps: ToolDeps, viewer: Viewer, id: string): Promise<Outcome<{ id: string }>> {
  if (!hasRole(viewer, "curator")) return refused(403, "tools.errors.forbidden");
  if (!isUuid(id)) return refused(404, "tools.errors.not_found");
  return guarded(() =>
    deps.db.withUser(viewer.claims, async (tx) => {
      const source = await tx.selectFrom("tools").selectAll().where("id", "=", id).executeTakeFirst();
      if (!source) return refused(404, "tools.errors.not_found");
      if (source.status !== "published" || source.superseded_by) return refused(409, "tools.errors.version_source");
      const row = await tx
        .insertInto("tools")
        .values({
          title: source.title,
          kind: source.kind,
          publisher: source.publisher,
          published_on: source.published_on,
          topics: source.topics,
          disciplines: source.disciplines,
          language: source.language,
          url: source.url,
          summary_fr: source.summary_fr,
          summary_en: source.summary_en,
          supersedes_id: source.id,
          status: "draft",
          created_by: viewer.id,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return { ok: true as const, id: row.id };
    }),
  );
}

export async function deleteTool(deps: ToolDeps, viewer: Viewer, id: string): Promise<Outcome> {
  if (!hasRole(viewer, "curator")) return refused(403, "tools.errors.forbidden");
  if (!isUuid(id)) return refused(404, "tools.errors.not_found");
  const outcome = await guarded(() =>
    deps.db.withUser(viewer.claims, async (tx) => {
      const current = await tx.selectFrom("tools").select(["status"]).where("id", "=", id).executeTakeFirst();
      if (!current) return refused(404, "tools.errors.not_found");
      if (current.status === "published") return refused(409, "tools.errors.delete_published");
      // The file row goes with it (trigger), and its blob is queued for purge.
      await tx.deleteFrom("tools").where("id", "=", id).execute();
      return { ok: true as const };
    }),
  );
  if (outcome.ok) await purgeDeletedFiles(deps);
  return outcome;
}

// ── Storage housekeeping (system path: acts for no one) ──────────────────────────

/** Deletes the blobs whose rows are gone (queued by the files trigger), after commit. */
export async function purgeDeletedFiles(deps: ToolDeps): Promise<number> {
  let purged = 0;
  for (;;) {
    const keys = (
      await deps.db.asSystem("files: read the purge queue", (tx) =>
        tx.selectFrom("file_purges").select("storage_key").orderBy("queued_at").limit(100).execute(),
      )
    ).map((r) => r.storage_key);
    if (keys.length === 0) return purged;
    try {
      await deps.storage.remove(keys);
    } catch (error) {
      deps.logger?.warn({ err: error }, "files: purge failed; will retry");
      return purged;
    }
    await deps.db.asSystem("files: purged", (tx) => tx.deleteFrom("file_purges").where("storage_key", "in", keys).execute());
    purged += keys.length;
  }
}

/** Grace period before a blob without a row counts as an orphan (an upload may be mid-transaction). */
export const ORPHAN_GRACE_MS = 60 * 60 * 1000;

/**
 * Blobs without a row: left by a process that died between storing an upload and
 * committing it. Run at start-up, after purgeDeletedFiles.
 */
export async function sweepOrphanFiles(deps: ToolDeps, now = Date.now(), graceMs = ORPHAN_GRACE_MS): Promise<number> {
  const listed = (await Promise.all(STORAGE_PREFIXES.map((p) => deps.storage.list(p)))).flat();
  const objects = listed.filter((o) => now - o.createdAt.getTime() >= graceMs);
  if (objects.length === 0) return 0;
  const known = new Set<string>();
  for (let i = 0; i < objects.length; i += 500) {
    const batch = objects.slice(i, i + 500).map((o) => o.key);
    const rows = await deps.db.asSystem("files: orphan sweep", (tx) =>
      tx.selectFrom("files").select("storage_key").where("storage_key", "in", batch).execute(),
    );
    for (const r of rows) known.add(r.storage_key);
  }
  const orphans = objects.map((o) => o.key).filter((k) => !known.has(k));
  if (orphans.length) await deps.storage.remove(orphans);
  return orphans.length;
}
