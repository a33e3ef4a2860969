// The store of rendered parts (markup-cache.server.ts, decision 036) and the component that
// reads it (markup-cache.tsx). What matters to a reader: a page made with stored parts is
// byte for byte the page rendered whole, for the inputs of THIS render, whatever was stored
// before; the store stays within its bound; a part that cannot be rendered on its own costs
// nothing but a log line.
import { createContext, useContext, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { PostArticle, type PostActions, type PostContext, type PostData } from "~/modules/forums/components/post-article";
import { I18nProvider, type Locale } from "./i18n";
import { messagesFor } from "./i18n.server";
import { CachedMarkup, MarkupCacheContext } from "./markup-cache";
import { createMarkupCache, type MarkupCache } from "./markup-cache.server";
import { PageHtmlContext, type PageHtmlSlot } from "./page-html";

const TOPIC_PATH = "/forums/t/1";
// The marker's fixed start (the rest is random per process): it must never reach a reader.
const MARKER_START = "<!--part:";

interface Rendered {
  /** The page's text as React wrote it (markers where stored parts go). */
  text: string;
  /** What the reader receives. */
  bytes: Buffer;
  onError: ReturnType<typeof vi.fn>;
  storeMissing(): void;
}

/**
 * One page as app/entry.server.tsx renders it: the language's real dictionary, the page's
 * slot when `cache` is given; with `cache` null, no MarkupCacheContext provider at all
 * (the reference: what the page is without any store).
 */
function renderPage(
  cache: MarkupCache | null,
  element: ReactNode,
  locale: Locale = "fr-CA",
  pageHtml?: PageHtmlSlot,
  messagesLocale: Locale = locale,
): Rendered {
  const onError = vi.fn();
  const page = cache?.forPage(onError);
  let tree = (
    <I18nProvider locale={locale} messages={messagesFor(messagesLocale, TOPIC_PATH)}>
      {element}
    </I18nProvider>
  );
  if (pageHtml) tree = <PageHtmlContext.Provider value={pageHtml}>{tree}</PageHtmlContext.Provider>;
  if (page) tree = <MarkupCacheContext.Provider value={page.slot}>{tree}</MarkupCacheContext.Provider>;
  const text = `<!DOCTYPE html>${renderToString(tree)}`;
  return {
    text,
    bytes: page ? page.assemble(text) : Buffer.from(text),
    onError,
    storeMissing: () => page?.storeMissing(),
  };
}

/** A small cached part whose markup depends on its props only. */
function Greeting({ name, count }: { name: string; count: number }) {
  return (
    <CachedMarkup tag="section" attributes={{ className: "greeting", id: `g-${name}` }} name="test.greeting" inputs={{ name, count }}>
      <h2>Bonjour {name}</h2>
      <p>
        {count} message{count > 1 ? "s" : ""}
      </p>
    </CachedMarkup>
  );
}

describe("a part stored once is served from the store", () => {
  it("misses first, hits after storeMissing, and the page's bytes are the same either way", () => {
    const cache = createMarkupCache({ maxBytes: 64 * 1024 });
    const page = (
      <main>
        <h1>Fil</h1>
        <Greeting name="Isabelle" count={3} />
        <Greeting name="Marc" count={1} />
      </main>
    );
    const first = renderPage(cache, page);
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 2, entries: 0 });
    // Nothing is stored during the page: only after it is sent.
    first.storeMissing();
    expect(first.onError).not.toHaveBeenCalled();
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 2, entries: 2 });

    const second = renderPage(cache, page);
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 2, entries: 2 });
    // The second page really took the stored path (its text has the markers)…
    expect(second.text).toContain(MARKER_START);
    // …and the reader cannot tell: same bytes as the first page, as the page without a store.
    expect(second.bytes.toString("utf8")).toBe(first.bytes.toString("utf8"));
    expect(Buffer.compare(second.bytes, first.bytes)).toBe(0);
    expect(Buffer.compare(second.bytes, renderPage(null, page).bytes)).toBe(0);
    for (const { bytes } of [first, second]) expect(bytes.toString("utf8")).not.toContain(MARKER_START);
    // Storing again what is there changes nothing.
    second.storeMissing();
    expect(cache.stats().entries).toBe(2);
  });

  it("gives the stored markup to another page only for the same inputs", () => {
    const cache = createMarkupCache({ maxBytes: 64 * 1024 });
    const one = renderPage(cache, <Greeting name="Isabelle" count={1} />);
    one.storeMissing();
    const other = renderPage(cache, <Greeting name="Isabelle" count={2} />);
    expect(other.bytes.toString("utf8")).toBe(renderPage(null, <Greeting name="Isabelle" count={2} />).text);
    expect(other.bytes.toString("utf8")).toContain("<p>2<!-- --> message<!-- -->s</p>");
  });
});

// ── The real forum post ──

const noop = () => {};
const actions: PostActions = { submitInPlace: noop, submitAndNavigate: noop, followLink: noop, navigate: noop };

const author = {
  id: "6f1c2a52-5b8e-4a53-9d2e-0d5c4c1f7a10",
  display_name: "Isabelle Gagnon",
  discipline: "nursing",
  verified: true,
  discipline_fr: "Soins infirmiers",
  discipline_en: "Nursing",
};
const basePost: PostData = {
  id: 41,
  post_number: 2,
  html: "<p>L’appel du matin du jour 1 — une excellente idée.</p>",
  status: "published",
  hidden_reason: null,
  deleted: false,
  edited: false,
  edit_count: 0,
  created_at: "2026-11-03T14:05:00.000Z",
  author,
  is_author: false,
  reply_to: { id: 40, post_number: 1, author: { ...author, id: "0b7d7c2e-1e57-4c55-8a4e-7c3a9a1d2b33", display_name: "Marc Roy" } },
  reactions: [
    { kind: "like", count: 2, mine: true },
    { kind: "thanks", count: 1, mine: false },
  ],
  bookmarked: false,
  accepted: false,
};
const baseContext: PostContext = {
  topicId: 7,
  signedIn: true,
  canReply: true,
  canModerate: false,
  topicAuthor: false,
  locked: false,
  actions,
};

interface PostInputs {
  post: PostData;
  context: PostContext;
  locale: Locale;
  /** The page's carried HTML (the loader sends post.html null on a whole page, decision 033). */
  pageHtml?: PageHtmlSlot;
  /** The dictionary's language, when it is not `locale`'s. */
  messagesLocale?: Locale;
}
const base: PostInputs = { post: basePost, context: baseContext, locale: "fr-CA" };
const withPost = (inputs: PostInputs, change: Partial<PostData>): PostInputs => ({ ...inputs, post: { ...inputs.post, ...change } });
const withContext = (inputs: PostInputs, change: Partial<PostContext>): PostInputs => ({
  ...inputs,
  context: { ...inputs.context, ...change },
});
const reactions = (like: { count: number; mine: boolean }) => [{ kind: "like", ...like }, basePost.reactions[1]!];
// `locked` changes what the post's author may do (edit, delete), not what others see.
const ownPost = withPost(base, { is_author: true });
const carried = (html: string): PostInputs => ({ ...withPost(base, { html: null }), pageHtml: new Map([[`post:${basePost.id}`, html]]) });

function postPage({ post, context, locale, pageHtml, messagesLocale }: PostInputs, cache: MarkupCache | null): Rendered {
  return renderPage(
    cache,
    <ol className="post-list">
      <li>
        <PostArticle post={post} context={context} />
      </li>
    </ol>,
    locale,
    pageHtml,
    messagesLocale,
  );
}

describe("PostArticle: a change of any one input gives the markup of the new inputs, never the stored one", () => {
  const cases: Array<[string, PostInputs, PostInputs]> = [
    ["the reader's own reaction (mine)", base, withPost(base, { reactions: reactions({ count: 2, mine: false }) })],
    ["a reaction's count", base, withPost(base, { reactions: reactions({ count: 3, mine: true }) })],
    ["bookmarked", base, withPost(base, { bookmarked: true })],
    ["the body's HTML", base, withPost(base, { html: "<p>L’appel du matin, puis en fin de journée.</p>" })],
    ["the body's HTML carried by the page (post.html null)", carried("<p>Première version</p>"), carried("<p>Version modifiée</p>")],
    ["edited", base, withPost(base, { edited: true, edit_count: 1 })],
    ["the author's display name", base, withPost(base, { author: { ...author, display_name: "Hélène Tremblay" } })],
    ["canModerate", base, withContext(base, { canModerate: true })],
    ["signedIn", base, withContext(base, { signedIn: false })],
    ["canReply", base, withContext(base, { canReply: false })],
    ["topicAuthor", base, withContext(base, { topicAuthor: true })],
    ["locked (the author's own post)", ownPost, withContext(ownPost, { locked: true })],
    ["topicId", base, withContext(base, { topicId: 8 })],
    ["the language (fr-CA, then en-CA)", base, { ...base, locale: "en-CA" }],
    ["the language (en-CA, then fr-CA)", { ...base, locale: "en-CA" }, base],
    // Dates and the author's discipline follow the locale itself, not only the dictionary's words.
    ["the locale alone (the same dictionary)", base, { ...base, locale: "en-CA", messagesLocale: "fr-CA" }],
  ];

  it.each(cases)("%s", (_label, before, after) => {
    const cache = createMarkupCache({ maxBytes: 1024 * 1024 });
    const original = postPage(before, cache);
    original.storeMissing();
    expect(original.onError).not.toHaveBeenCalled();
    expect(cache.stats().entries).toBe(1);
    // The original is served from the store (the stored path is the one under test).
    const again = postPage(before, cache);
    expect(cache.stats().hits).toBe(1);
    expect(again.text).toContain(MARKER_START);
    expect(again.bytes.toString("utf8")).toBe(original.bytes.toString("utf8"));

    const changed = postPage(after, cache);
    const reference = postPage(after, null);
    // The change is visible in the markup (else this case would prove nothing)…
    expect(reference.text).not.toBe(original.text);
    // …and the page with the store is the page without it, byte for byte.
    expect(changed.bytes.toString("utf8")).toBe(reference.text);
    expect(Buffer.compare(changed.bytes, reference.bytes)).toBe(0);

    // Once the changed inputs are stored too, each set of inputs still gets its own markup.
    changed.storeMissing();
    expect(cache.stats().entries).toBe(2);
    expect(postPage(after, cache).bytes.toString("utf8")).toBe(reference.text);
    expect(postPage(before, cache).bytes.toString("utf8")).toBe(original.bytes.toString("utf8"));
  });

  it("the post's markup itself: reactions, bookmark and language as the reader expects", () => {
    // A guard on the reference renders above: they show what the cases say they change.
    const fr = postPage(base, null).text;
    expect(fr).toContain('value="like" class="btn btn--small reaction" aria-pressed="true">J&#x27;aime (2)</button>');
    expect(fr).toContain("Ajouter aux signets");
    const en = postPage({ ...base, locale: "en-CA" }, null).text;
    expect(en).toContain("Bookmark");
    expect(en).not.toContain("Ajouter aux signets");
  });
});

// ── The bound ──

function Note({ n, text }: { n: number; text: string }) {
  return (
    <CachedMarkup tag="div" attributes={{ className: "note" }} name="test.note" inputs={{ n, text }}>
      <p>{text}</p>
    </CachedMarkup>
  );
}

/** Whether a part is in the store: one page, and whether its lookup hit. */
function isStored(cache: MarkupCache, element: ReactNode): boolean {
  const { hits } = cache.stats();
  renderPage(cache, element);
  return cache.stats().hits === hits + 1;
}

describe("the store stays within its bound", () => {
  const maxBytes = 16 * 1024;

  it("keeps its bytes under maxBytes, the least recently used out first", () => {
    const cache = createMarkupCache({ maxBytes });
    const notes = Array.from({ length: 60 }, (_, n) => <Note key={n} n={n} text={`${n} ${"é".repeat(150)}`} />);
    for (const note of notes) {
      const page = renderPage(cache, note);
      page.storeMissing();
      expect(page.onError).not.toHaveBeenCalled();
      expect(cache.stats().bytes).toBeLessThanOrEqual(maxBytes);
      expect(cache.stats().bytes).toBeGreaterThan(0);
    }
    // 60 notes of about 750 bytes (HTML and key) do not fit in 16 KiB: some had to go.
    expect(cache.stats().entries).toBeLessThan(60);
    expect(cache.stats().entries).toBeGreaterThan(1);
    expect(isStored(cache, notes[59])).toBe(true);
    expect(isStored(cache, notes[0])).toBe(false);
  });

  it("never stores a part larger than maxBytes/16, and stores one just under it", () => {
    const cache = createMarkupCache({ maxBytes });
    // maxBytes/16 = 1024, counted as the HTML's UTF-8 bytes plus two bytes per character of the key
    // (the inputs' JSON, which holds the text again): about 1 330 for the first, 880 for the second.
    const large = <Note n={1} text={"x".repeat(400)} />;
    const fits = <Note n={2} text={"x".repeat(250)} />;
    for (let i = 0; i < 3; i += 1) {
      const page = renderPage(cache, large);
      expect(page.bytes.toString("utf8")).toContain("x".repeat(400));
      page.storeMissing();
      expect(page.onError).not.toHaveBeenCalled();
      expect(cache.stats().entries).toBe(0);
    }
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 3 });
    expect(isStored(cache, large)).toBe(false);

    renderPage(cache, fits).storeMissing();
    expect(cache.stats().entries).toBe(1);
    expect(isStored(cache, fits)).toBe(true);
  });
});

// ── A part that breaks the rule (reads another context) ──

const Theme = createContext<{ accent: string } | null>(null);
function Themed({ label }: { label: string }) {
  const theme = useContext(Theme);
  if (!theme) throw new Error("Themed is rendered outside a Theme provider");
  return <span className={theme.accent}>{label}</span>;
}

describe("a part that cannot be rendered on its own", () => {
  it("is reported by storeMissing and not stored; the page itself was rendered, and the next ones are too", () => {
    const cache = createMarkupCache({ maxBytes: 64 * 1024 });
    const page = (
      <Theme.Provider value={{ accent: "accent-vert" }}>
        <CachedMarkup tag="div" attributes={{ className: "themed" }} name="test.themed" inputs={{ label: "Réduction des méfaits" }}>
          <Themed label="Réduction des méfaits" />
        </CachedMarkup>
        <Greeting name="Isabelle" count={2} />
      </Theme.Provider>
    );
    const reference = renderPage(null, page).text;
    const first = renderPage(cache, page);
    expect(first.bytes.toString("utf8")).toBe(reference);
    expect(first.bytes.toString("utf8")).toContain('<span class="accent-vert">Réduction des méfaits</span>');

    first.storeMissing();
    expect(first.onError).toHaveBeenCalledTimes(1);
    expect(first.onError.mock.calls[0]?.[0]).toBeInstanceOf(Error);
    expect(String(first.onError.mock.calls[0]?.[0])).toMatch(/outside a Theme provider/);
    // The other part of the page was stored all the same; the broken one was not.
    expect(cache.stats().entries).toBe(1);

    const second = renderPage(cache, page);
    expect(second.bytes.toString("utf8")).toBe(reference);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 3 });
    second.storeMissing();
    expect(second.onError).toHaveBeenCalledTimes(1);
    expect(cache.stats().entries).toBe(1);
  });
});

// ── Bytes ──

describe("assemble() encodes the page around the spliced bytes", () => {
  const wide = "é — ’ « » 🎉 👩🏽‍⚕️ 中";

  it("with non-ASCII text around and inside the parts, gives the bytes of the page rendered whole", () => {
    const cache = createMarkupCache({ maxBytes: 64 * 1024 });
    const page = (
      <main>
        <p>Avant : {wide}</p>
        <CachedMarkup tag="section" attributes={{ title: `Titre ${wide}` }} name="test.wide" inputs={{ n: 1 }}>
          <p>Dedans : {wide}</p>
        </CachedMarkup>
        {wide}
        <CachedMarkup tag="li" attributes={{}} name="test.wide" inputs={{ n: 2 }}>
          🎉{wide}😀
        </CachedMarkup>
        <p>Après : {wide}</p>
      </main>
    );
    const reference = renderPage(null, page);
    const first = renderPage(cache, page);
    first.storeMissing();
    const second = renderPage(cache, page);
    expect(cache.stats().hits).toBe(2);
    for (const { bytes } of [first, second]) {
      expect(Buffer.compare(bytes, Buffer.from(reference.text))).toBe(0);
      expect(bytes.toString("utf8")).not.toContain(MARKER_START);
    }
  });

  it("splices bytes that are not ASCII in the markers' places, in order", () => {
    const cache = createMarkupCache({ maxBytes: 64 * 1024 });
    const { slot, assemble } = cache.forPage(vi.fn());
    const a = slot.splice(Buffer.from("<b>é🎉</b>"));
    const b = slot.splice(Buffer.from("’—"));
    expect(Buffer.compare(assemble(`«${a}» et ${b}😀`), Buffer.from("«<b>é🎉</b>» et ’—😀"))).toBe(0);
  });

  it("a page without spliced parts is Buffer.from of its text", () => {
    const cache = createMarkupCache({ maxBytes: 64 * 1024 });
    const text = `<p>${wide}</p>`;
    expect(Buffer.compare(cache.forPage(vi.fn()).assemble(text), Buffer.from(text))).toBe(0);
  });
});
