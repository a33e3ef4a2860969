// The one tiptap schema for every rich-text field (forums today; cases and tools
// later): the editor (browser, loaded lazily) and the validator (server) both build
// from this list, so what the editor can produce is exactly what the server accepts.
// Never import this from a read-only page: it pulls tiptap into the bundle.
import { getSchema, type AnyExtension } from "@tiptap/core";
import Mention, { type MentionOptions } from "@tiptap/extension-mention";
import StarterKit from "@tiptap/starter-kit";
import { HEADING_LEVELS } from "./limits";

export interface RichTextExtensionOptions {
  /** Suggestion settings of @mentions (the editor passes its popup; the server none). */
  mention?: Partial<MentionOptions>;
  /** Suggestion settings of #references to topics and tools. */
  reference?: Partial<MentionOptions>;
}

/** A link to another topic or to a tool: like a mention, with a kind, triggered by "#". */
export const Reference = Mention.extend({
  name: "reference",
  addAttributes() {
    return {
      ...this.parent?.(),
      kind: { default: "topic" },
      href: { default: null },
    };
  },
});

export function richTextExtensions(options: RichTextExtensionOptions = {}): AnyExtension[] {
  return [
    StarterKit.configure({
      code: false,
      codeBlock: false,
      strike: false,
      underline: false,
      horizontalRule: false,
      heading: { levels: [...HEADING_LEVELS] },
      // Links are typed or pasted (autolink) and never opened from inside the editor.
      link: { openOnClick: false, autolink: true, linkOnPaste: true, protocols: [], defaultProtocol: "https" },
    }),
    Mention.configure({ deleteTriggerWithBackspace: true, ...options.mention }),
    Reference.configure({ deleteTriggerWithBackspace: true, ...options.reference }),
  ];
}

let cached: ReturnType<typeof getSchema> | null = null;
/** The ProseMirror schema (server: structure checks). */
export function richTextSchema() {
  cached ??= getSchema(richTextExtensions());
  return cached;
}
