// Writing in the forum editor while drafts are saved: a person types at human speed,
// pauses longer than the autosave delay (the draft is saved behind their back), and
// keeps typing without clicking. Nothing typed may be lost, the caret stays where it
// was, and what is published is exactly what was typed (the @mention included).
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { DRAFT_DELAY_MS } from "../../app/modules/forums/components/use-draft-autosave";
import { forumApp, startEditor } from "./forums-kit";
import { memberIdByEmail } from "./helpers";

const kit = forumApp();

interface JsonNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  content?: JsonNode[];
}

/** The document as a person reads it: paragraphs joined by blank lines, a mention as "@Name". */
function readable(doc: JsonNode): string {
  const inline = (n: JsonNode): string =>
    n.type === "text" ? (n.text ?? "") : n.type === "mention" ? `@${String(n.attrs?.label ?? "")}` : (n.content ?? []).map(inline).join("");
  return (doc.content ?? []).map(inline).join("\n\n");
}

function mentionIds(node: JsonNode): string[] {
  return [...(node.type === "mention" ? [String(node.attrs?.id)] : []), ...(node.content ?? []).flatMap(mentionIds)];
}

/** Requests in flight, so a pause can end once the autosave and whatever follows it are done. */
function trackRequests(page: Page) {
  const inFlight = new Set<object>();
  page.on("request", (r) => inFlight.add(r));
  page.on("requestfinished", (r) => inFlight.delete(r));
  page.on("requestfailed", (r) => inFlight.delete(r));
  return () => inFlight.size;
}

/** Types like a person (about 12 keys a second). */
const type = (page: Page, text: string) => page.keyboard.type(text, { delay: 80 });

/** The person stops typing for longer than the autosave delay: the draft is saved meanwhile. */
async function pause(page: Page, pending: () => number) {
  const saved = page.waitForResponse((r) => new URL(r.url()).pathname === "/forums/drafts" && r.request().method() === "POST", {
    timeout: 30_000,
  });
  // A human pause of about three seconds (longer than the delay), then the save must have happened…
  await page.waitForTimeout(DRAFT_DELAY_MS + 1_000);
  expect((await saved).status()).toBe(200);
  // …and anything it set off has finished before the person types again.
  await expect.poll(pending, { timeout: 30_000 }).toBe(0);
}

async function editorState(page: Page, fieldId: string) {
  return page.evaluate((id) => {
    const editor = document.querySelector(`.ProseMirror#${id}`);
    const selection = window.getSelection();
    return {
      present: Boolean(editor),
      focused: document.activeElement === editor,
      caretInside: Boolean(editor && selection?.anchorNode && editor.contains(selection.anchorNode)),
      text: editor ? [...editor.querySelectorAll("p")].map((p) => p.textContent).join("\n\n") : null,
    };
  }, fieldId);
}

const userId = (email: string) => memberIdByEmail(kit.app, email);

const draftBody = async (user: string, key: string) => {
  const row = await kit.app.server.services.db.asSystem("test: read a draft", (tx) =>
    tx.selectFrom("forum_drafts").select(["body", "title"]).where("user_id", "=", user).where("draft_key", "=", key).executeTakeFirst(),
  );
  return row ? { title: row.title, text: readable(row.body as JsonNode) } : null;
};

const storedPost = async (topicId: number, postNumber: number) => {
  const row = await kit.app.server.services.db.asSystem("test: read a post", (tx) =>
    tx
      .selectFrom("forum_posts")
      .select("body")
      .where("topic_id", "=", topicId)
      .where("post_number", "=", postNumber)
      .executeTakeFirstOrThrow(),
  );
  const body = row.body as JsonNode;
  return { text: readable(body), mentions: mentionIds(body) };
};

describe("forum editor and draft autosave", () => {
  it("typing with pauses longer than the autosave delay: nothing lost, caret kept, published exactly as typed", async () => {
    const isabelle = await kit.person("membre@passerelle.test");
    const { page } = isabelle;
    const pending = trackRequests(page);
    const isabelleId = await userId("membre@passerelle.test");
    const marcId = await userId("mentor@passerelle.test");

    // New topic in Côte-Nord.
    await page.goto(`${kit.app.url}/forums`);
    await page.click('a:has-text("Côte-Nord")');
    await page.waitForURL("**/forums/c/region-09-*");
    await page.click('a:has-text("Nouveau sujet")');
    await page.waitForURL("**/new");
    await page.click('input[name="title"]');
    await type(page, "Horaires de la pharmacie à Baie-Comeau");
    await startEditor(page, "topic-body");
    const first = "Bonjour, la pharmacie ferme à 17 h le vendredi.";
    await type(page, first);
    await pause(page, pending);

    let state = await editorState(page, "topic-body");
    expect(state).toEqual({ present: true, focused: true, caretInside: true, text: first });
    // The draft holds what was typed.
    const draftKeys = await kit.app.server.services.db.asSystem("test: draft keys", (tx) =>
      tx.selectFrom("forum_drafts").select("draft_key").where("user_id", "=", isabelleId).execute(),
    );
    const topicKey = draftKeys.map((d) => d.draft_key).find((k) => k.startsWith("topic:")) ?? "";
    expect(await draftBody(isabelleId, topicKey)).toEqual({ title: "Horaires de la pharmacie à Baie-Comeau", text: first });

    // Keeps typing without clicking: a mention picked in the suggestion list, then more text.
    await type(page, " Merci ");
    await type(page, "@Marc");
    await page.waitForSelector('[role="option"]:has-text("Marc-André Lévesque")', { timeout: 15_000 });
    await page.keyboard.press("Enter");
    await type(page, "pour l'entente.");
    await pause(page, pending);
    const second = `${first} Merci @Marc-André Lévesque pour l'entente.`;
    state = await editorState(page, "topic-body");
    expect(state).toEqual({ present: true, focused: true, caretInside: true, text: second });
    expect((await draftBody(isabelleId, topicKey))?.text).toBe(second);

    await page.keyboard.press("Enter");
    const last = "Quelqu'un connaît-il une pharmacie ouverte le soir ?";
    await type(page, last);
    expect(await page.inputValue('input[name="title"]')).toBe("Horaires de la pharmacie à Baie-Comeau");
    await Promise.all([page.waitForURL(/\/forums\/t\/\d+\?posted=1/), page.click('button:has-text("Publier le sujet")')]);
    const topicId = Number(new URL(page.url()).pathname.split("/").pop());
    expect(await storedPost(topicId, 1)).toEqual({ text: `${second}\n\n${last}`, mentions: [marcId] });
    // Published: the draft is gone, it does not come back as a draft a moment later.
    expect(await draftBody(isabelleId, topicKey)).toBeNull();

    // The reply box of the topic, the same way.
    await startEditor(page, "reply-body");
    const reply = "J'ajoute : le samedi, elle ouvre à 10 h.";
    await type(page, reply);
    await pause(page, pending);
    state = await editorState(page, "reply-body");
    expect(state).toEqual({ present: true, focused: true, caretInside: true, text: reply });
    expect((await draftBody(isabelleId, `reply:${topicId}`))?.text).toBe(reply);
    // A bookmark (a fetcher) reloads the page's data, which now carries the saved draft:
    // the editor keeps its own content and stays an editor.
    await page.click('#p-1 button:has-text("Ajouter aux signets")');
    await expect.poll(() => page.locator('#p-1 button[aria-pressed="true"]').count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(pending, { timeout: 30_000 }).toBe(0);
    expect((await editorState(page, "reply-body")).text).toBe(reply);
    // Back in the editor, at the end of the text.
    await page.click(".ProseMirror#reply-body");
    await page.keyboard.press("Control+End");
    const more = " Et le dimanche, elle est fermée.";
    await type(page, more);
    await pause(page, pending);
    state = await editorState(page, "reply-body");
    expect(state).toEqual({ present: true, focused: true, caretInside: true, text: reply + more });
    await Promise.all([page.waitForURL(/posted=1/), page.click('button:has-text("Publier la réponse")')]);
    expect(await storedPost(topicId, 2)).toEqual({ text: reply + more, mentions: [] });
    expect(await draftBody(isabelleId, `reply:${topicId}`)).toBeNull();
    // After publishing, the reply box is empty again (the textarea until someone writes).
    await expect.poll(() => page.inputValue("#reply-body")).toBe("");

    expect(isabelle.problems).toEqual([]);
    await isabelle.context.close();
  }, 240_000);
});
