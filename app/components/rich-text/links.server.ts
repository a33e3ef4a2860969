// Rich text from a form, and the links inside it: the one place where a document's
// mentions and references (#topic, #tool) are checked against who will read it.
// Forums (a space's readers) and cases (the case's readers) both save through here.
import { sql } from "kysely";
import type { Tx } from "~/utils/db.server";
import type { RichDoc, RichNode } from "./limits";
import { textToDoc } from "./plain-text";
import { validateRichText, type RichTextResult } from "./validate.server";

/** The editor's JSON when JavaScript ran, else the textarea's markup, validated either way. */
export function bodyFromForm(input: { body?: string; bodyJson?: string }): RichTextResult {
  if (input.bodyJson?.trim()) return validateRichText(input.bodyJson);
  return validateRichText(textToDoc(input.body ?? ""));
}

/**
 * Who will read the document: a space (its id and visibility), or no space (`id` null)
 * for a text read by the verified members, where nobody can be mentioned.
 */
export interface LinkReaders {
  id: string | null;
  visibility: string;
}

/**
 * Mentions and references point at things the author may see and every reader of
 * this space may see too (a private topic's title never leaks into a public post).
 * Labels are replaced by the current names and titles; tools get their address.
 */
export async function resolveLinks(
  tx: Tx,
  doc: RichDoc,
  readers: LinkReaders,
  mentions: string[],
  references: Array<{ kind: string; id: string }>,
): Promise<{ ok: true; doc: RichDoc } | { ok: false; error: string }> {
  const names = new Map<string, string>();
  if (mentions.length > 0) {
    // Only the members of a space can be mentioned (and notified); without one, nobody.
    if (!readers.id) return { ok: false, error: "bad_mention" };
    const { rows } = await sql<{ id: string; display_name: string }>`
      select id, display_name from public.forum_resolve_mentions(${mentions}::uuid[], ${readers.id}::uuid)`.execute(tx);
    for (const r of rows) names.set(r.id, r.display_name);
    if (mentions.some((m) => !names.has(m))) return { ok: false, error: "bad_mention" };
  }
  const topicIds = references.filter((r) => r.kind === "topic").map((r) => Number(r.id));
  const toolIds = references.filter((r) => r.kind === "tool").map((r) => r.id);
  const topics = new Map<string, string>();
  const tools = new Map<string, { title: string }>();
  if (topicIds.length > 0) {
    const rows = await tx
      .selectFrom("forum_topics as t")
      .innerJoin("spaces as s", "s.id", "t.space_id")
      .select(["t.id", "t.title", "t.space_id", "s.visibility"])
      .where("t.id", "in", topicIds)
      .execute();
    for (const r of rows) {
      const visibleToReaders =
        r.space_id === readers.id || r.visibility === "public" || (r.visibility === "verified" && readers.visibility !== "public");
      if (visibleToReaders) topics.set(String(r.id), r.title);
    }
  }
  if (toolIds.length > 0) {
    const rows = await tx
      .selectFrom("tools")
      .select(["id", "title"])
      .where("id", "in", toolIds)
      .where("status", "=", "published")
      .execute();
    for (const r of rows) tools.set(r.id, { title: r.title });
  }
  if (topicIds.some((id) => !topics.has(String(id))) || toolIds.some((id) => !tools.has(id))) return { ok: false, error: "bad_reference" };
  const rewrite = (node: RichNode): RichNode => {
    if (node.type === "mention")
      return { ...node, attrs: { id: String(node.attrs?.id), label: names.get(String(node.attrs?.id)) ?? String(node.attrs?.label) } };
    if (node.type === "reference") {
      const id = String(node.attrs?.id);
      if (node.attrs?.kind === "tool") {
        const tool = tools.get(id);
        return {
          ...node,
          attrs: { kind: "tool", id, label: (tool?.title ?? String(node.attrs?.label)).slice(0, 200), href: `/tools/${id}` },
        };
      }
      return { ...node, attrs: { kind: "topic", id, label: (topics.get(id) ?? String(node.attrs?.label)).slice(0, 200) } };
    }
    return node.content ? { ...node, content: node.content.map(rewrite) } : node;
  };
  return { ok: true, doc: { ...doc, content: doc.content.map(rewrite) } };
}
