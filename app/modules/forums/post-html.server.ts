// A forum post's HTML, rendered once when it is written or edited and stored next to its
// JSON (forum_posts.body_html, with the renderer version that produced it), so a topic
// page serves stored strings instead of rendering every post at every request.
// The JSON stays the truth: a post without a current rendering (just written, imported by
// SQL, or rendered by an older renderer) is rendered on the fly by readers, and rendered
// again for good by rebuildStalePostHtml, which the server runs in the background at start.
// Members cannot write these columns (no grant): only the system path stores HTML, and only
// HTML this renderer produced from the stored document.
import { sql } from "kysely";
import { renderRichTextSafe, RICH_TEXT_RENDERER_VERSION } from "~/components/rich-text/render.server";
import type { Database, Tx } from "~/utils/db.server";

/** The topic page's rendering options are the renderer's defaults: one stored form per post. */
export function renderPostHtml(body: unknown, bodyText: string): string {
  return renderRichTextSafe(body, bodyText);
}

/** The HTML to show for a row read with postHtmlColumns: the stored one when current. */
export function postHtml(row: { body: unknown; body_text: string; body_html: string | null; body_html_version: number | null }): string {
  return row.body_html !== null && row.body_html_version === RICH_TEXT_RENDERER_VERSION
    ? row.body_html
    : renderPostHtml(row.body, row.body_text);
}

/**
 * The columns a reader needs from forum_posts `p`: the JSON only when the stored HTML
 * is not current (parsing 50 documents per page costs more than sending 50 strings).
 */
export const postHtmlColumns = sql`p.body_text, p.body_html, p.body_html_version,
  case when p.body_html_version = ${sql.lit(RICH_TEXT_RENDERER_VERSION)} and p.body_html is not null then null else p.body end as body`;

async function store(tx: Tx, rows: Array<{ id: number; body: unknown; body_text: string }>) {
  if (rows.length === 0) return;
  // One statement per batch; a row is only updated if its body is still the one rendered
  // (an edit may have landed in between: that edit stores its own rendering).
  await sql`
    update public.forum_posts p set body_html = v.html, body_html_version = ${sql.lit(RICH_TEXT_RENDERER_VERSION)}
      from unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => renderPostHtml(r.body, r.body_text))}::text[],
                  ${rows.map((r) => JSON.stringify(r.body))}::text[]) as v(id, html, body)
     where p.id = v.id and p.body = v.body::jsonb`.execute(tx);
}

/** Renders and stores one post's HTML (after the transaction that wrote its body). */
export async function storePostHtml(db: Database, postId: number): Promise<void> {
  await db.asSystem("forums: store a post's rendered HTML", async (tx) => {
    const row = await tx.selectFrom("forum_posts").select(["id", "body", "body_text"]).where("id", "=", postId).executeTakeFirst();
    if (row) await store(tx, [row]);
  });
}

/**
 * Renders again every post whose stored HTML is missing or from another renderer version,
 * in batches (one short transaction each, so readers and writers interleave).
 * `shouldStop` ends it between batches (the server is closing). Returns how many were rendered.
 */
export async function rebuildStalePostHtml(
  db: Database,
  options: { batchSize?: number; shouldStop?: () => boolean } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  let done = 0;
  let afterId = 0;
  while (!options.shouldStop?.()) {
    const rows = await db.asSystem("forums: render stale post HTML", async (tx) => {
      const batch = await tx
        .selectFrom("forum_posts")
        .select(["id", "body", "body_text"])
        .where((eb) =>
          eb.or([
            eb("body_html_version", "is", null),
            eb("body_html_version", "<", RICH_TEXT_RENDERER_VERSION),
            eb("body_html_version", ">", RICH_TEXT_RENDERER_VERSION),
          ]),
        )
        .where("id", ">", afterId)
        .orderBy("id")
        .limit(batchSize)
        .execute();
      await store(tx, batch);
      return batch;
    });
    done += rows.length;
    if (rows.length < batchSize) break;
    afterId = rows[rows.length - 1]?.id ?? afterId;
  }
  return done;
}
