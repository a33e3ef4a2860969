// Parts of a page whose markup the server keeps once rendered (a forum post: about 30
// elements, 50 to a topic page). Rendering them was most of a topic page's server CPU,
// for markup that changes only when the post, the reader's own reaction, bookmark or
// rights, or the language change (decision 036).
//
// How it works:
// - The server's render asks the per-request slot for the part's inner HTML, by everything the
//   part's markup depends on (`inputs`, the part's name and the language), as JSON.
//   - Found: the element is written with a marker inside, and the stored bytes (UTF-8, encoded
//     once) take the marker's place when the page is made into bytes. Encoding the page's text
//     was the other large cost of a topic page: the posts are half of it.
//   - Not found: the part renders as usual, and after the page is sent the server renders
//     it again on its own and keeps the result (app/entry.server.tsx).
// - The browser always renders the part itself. The markup the server wrote is what React
//   writes for those children, so hydration adopts it as it would any server markup.
//
// The rule for a cached part: its markup depends on its props and the language only. It
// may read no other context (the server renders it again outside the page, where any other
// context has its default value), and every prop that shapes its markup goes in `inputs`.
import { createContext, createElement, useContext, type ReactElement, type ReactNode } from "react";
import { I18nProvider, useI18nSource } from "./i18n";

/** The server's render: stored markup by inputs, and the parts to render on their own after the page. */
export interface MarkupCacheSlot {
  /** The key of a part's inputs, and its stored inner HTML (UTF-8) if there is one. */
  lookup(inputs: unknown): { key: string; html: Uint8Array | undefined };
  /** Renders `part` on its own after the page and keeps its HTML under `key`. */
  keep(key: string, part: ReactElement): void;
  /** Text to write where these bytes (UTF-8 HTML) go: they replace it when the page is encoded. */
  splice(html: Uint8Array): string;
}

export const MarkupCacheContext = createContext<MarkupCacheSlot | null>(null);

type Tag = "article" | "div" | "li" | "section";

/**
 * `<tag {...attributes}>{children}</tag>`, with the children's markup from the server's store
 * when it has it. `name` tells one kind of part from another; `inputs` is every value the
 * children's markup depends on besides the language (plain data: it is serialised to JSON).
 */
export function CachedMarkup({
  tag,
  attributes,
  name,
  inputs,
  children,
}: {
  tag: Tag;
  attributes: Record<string, string | undefined>;
  name: string;
  inputs: unknown;
  children: ReactNode;
}) {
  const slot = useContext(MarkupCacheContext);
  const i18n = useI18nSource();
  if (!slot) return createElement(tag, attributes, children);
  const { key, html } = slot.lookup({ name, locale: i18n.locale, messages: messagesVersion(i18n.messages), inputs });
  if (html !== undefined) return createElement(tag, { ...attributes, dangerouslySetInnerHTML: { __html: slot.splice(html) } });
  slot.keep(
    key,
    <I18nProvider locale={i18n.locale} messages={i18n.messages}>
      {children}
    </I18nProvider>,
  );
  return createElement(tag, attributes, children);
}

// The server makes each dictionary (language and section of the site) once per process and
// never changes it: its identity stands for its content.
const versions = new WeakMap<object, number>();
let lastVersion = 0;
function messagesVersion(messages: object): number {
  let version = versions.get(messages);
  if (version === undefined) {
    lastVersion += 1;
    version = lastVersion;
    versions.set(messages, version);
  }
  return version;
}
