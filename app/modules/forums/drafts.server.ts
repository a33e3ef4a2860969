// Drafts: what a person has written so far in a topic or reply form, one per form key,
// guarded like a post (a draft holding a possible identifier is not saved).
import { sql } from "kysely";
import { docToText, textToDoc } from "~/components/rich-text/plain-text";
import type { RichDoc } from "~/components/rich-text/limits";
import { validateRichText } from "~/components/rich-text/validate.server";
import type { Viewer } from "~/modules/accounts/accounts.server";
import type { Database, UserClaims } from "~/utils/db.server";
import { linkTargets } from "~/modules/identifier-guard/guard.server";
import { type Outcome } from "~/utils/outcome";
import { attempt, refused } from "./refusals.server";
import { bodyError, colleaguesIn, guardPost } from "./post-body.server";
import { iso } from "./reads.server";

// ── Drafts ──────────────────────────────────────────────────────────────────

export async function getDraft(db: Database, claims: UserClaims, key: string) {
  return db.withUser(
    claims,
    async (tx) => {
      const row = await tx
        .selectFrom("forum_drafts")
        .select(["title", "body", "updated_at"])
        .where("user_id", "=", claims.sub)
        .where("draft_key", "=", key)
        .executeTakeFirst();
      if (!row) return null;
      const doc = row.body as RichDoc;
      return { title: row.title ?? "", text: docToText(doc), json: JSON.stringify(doc), updatedAt: iso(row.updated_at) ?? "" };
    },
    { readOnly: true },
  );
}

/** Saves what is written so far; an empty body deletes the draft. Only the JSON shape is checked (a draft may be incomplete). */
export async function saveDraft(
  db: Database,
  viewer: Viewer,
  input: { key: string; title?: string; body?: string; bodyJson?: string },
): Promise<Outcome<{ saved: boolean }>> {
  const raw = input.bodyJson?.trim() ? input.bodyJson : null;
  const validated = raw ? validateRichText(raw) : validateRichText(textToDoc(input.body ?? ""));
  const empty = !validated.ok && validated.error === "empty" && !input.title?.trim();
  if (!validated.ok && !empty && validated.error !== "empty") return refused(400, "forums.errors.fix_fields", bodyError(validated.error));
  // A draft is stored text too: one holding a possible identifier is not saved (the last
  // clean draft stays); publishing then shows the findings and lets the author mark them.
  if (validated.ok) {
    // The draft's key says where it will be posted: a topic's reply, or a new topic in a category.
    const [kind, target] = input.key.split(":");
    const guard = await guardPost(
      { title: input.title ?? "", body: validated.text, bodyLinks: linkTargets(validated.doc) },
      [],
      [],
      colleaguesIn(
        db,
        viewer,
        async (tx) => {
          if (kind === "reply" && /^[0-9]{1,15}$/.test(target ?? "")) {
            const topic = await tx.selectFrom("forum_topics").select("space_id").where("id", "=", Number(target)).executeTakeFirst();
            return topic && { spaceId: topic.space_id, topicId: Number(target) };
          }
          if (kind === "topic" && /^[0-9a-f-]{36}$/i.test(target ?? "")) {
            const category = await tx.selectFrom("forum_categories").select("space_id").where("id", "=", target!).executeTakeFirst();
            return category && { spaceId: category.space_id, topicId: null };
          }
          return undefined;
        },
        validated.mentions,
      ),
    );
    if (!guard.ok) return guard;
  }
  return attempt(() =>
    db.withUser(viewer.claims, async (tx): Promise<Outcome<{ saved: boolean }>> => {
      if (empty) {
        await tx.deleteFrom("forum_drafts").where("user_id", "=", viewer.id).where("draft_key", "=", input.key).execute();
        return { ok: true, saved: false };
      }
      const doc = validated.ok ? validated.doc : { type: "doc", content: [{ type: "paragraph" }] };
      const title = input.title?.trim().slice(0, 200) || null;
      await tx
        .insertInto("forum_drafts")
        .values({ user_id: viewer.id, draft_key: input.key, title, body: JSON.stringify(doc) })
        .onConflict((oc) => oc.columns(["user_id", "draft_key"]).doUpdateSet({ title, body: JSON.stringify(doc), updated_at: sql`now()` }))
        .execute();
      return { ok: true, saved: true };
    }),
  );
}
