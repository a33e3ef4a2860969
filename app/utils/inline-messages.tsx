// A whole page carries its messages once, as an inline script computed once per language
// and section, instead of in the root loader's data: there they were serialised into JSON,
// read back and serialised again into the page, with HTML escaping, on every request —
// about 48 KB on a forum page, the largest part of its loader data (decision 018).
// Client-side navigations still receive them in the root loader's JSON.
import { createContext, useContext } from "react";
import type { Dictionary } from "./i18n";
import { MarkupCacheContext } from "./markup-cache";

/** The messages of this page and their script text (made once per language and section, server side). */
export interface InlineMessages {
  dictionary: Dictionary;
  /** JSON safe inside a <script> element: no "<", no line separators that break a script. */
  script: string;
  /** The script element's text, UTF-8 encoded once (spliced into the page's bytes: utils/markup-cache.tsx). */
  scriptBytes: Uint8Array;
}

/** Where the root loader leaves this page's messages for the document (per request, server only). */
export interface InlineMessagesSlot {
  value: InlineMessages | null;
}

const GLOBAL = "__passerelleMessages";
export const InlineMessagesContext = createContext<InlineMessages | null>(null);

/** The messages the page carries inline: from the render context on the server, the script's global in the browser. */
export function useInlineMessages(): Dictionary | null {
  const inline = useContext(InlineMessagesContext);
  if (inline) return inline.dictionary;
  if (typeof window === "undefined") return null;
  return ((window as unknown as Record<string, unknown>)[GLOBAL] as Dictionary | undefined) ?? null;
}

/**
 * The inline script. In the browser it renders a blank script, as Remix's own context
 * script does: React keeps the server's text at hydration, and nothing runs again.
 */
export function InlineMessagesScript({ nonce }: { nonce: string }) {
  const inline = useContext(InlineMessagesContext);
  const markup = useContext(MarkupCacheContext);
  // Server: only a page whose root loader left its messages here. Browser: only if the server wrote one.
  const present = inline !== null || (typeof window !== "undefined" && GLOBAL in window);
  if (!present) return null;
  const text = !inline ? " " : markup ? markup.splice(inline.scriptBytes) : inlineScriptText(inline.script);
  return <script nonce={nonce} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: text }} />;
}

/** What the script runs: the messages, in a global the browser's first render reads. */
export function inlineScriptText(json: string): string {
  return `window.${GLOBAL}=${json};`;
}

/** JSON for a script element (the same escapes as Remix's serialisation of loader data). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
