// The tiptap editor, loaded only when someone starts writing (RichTextField imports
// this module on the textarea's first focus): read pages never download tiptap.
// No inline styles anywhere (CSP style-src 'self'): tiptap's injected CSS is off and
// the suggestion list is a plain listbox under the editor, not a floating popup.
import { Selection } from "@tiptap/pm/state";
import { EditorContent, useEditor, type Editor } from "@tiptap/react";
import type { SuggestionKeyDownProps, SuggestionOptions, SuggestionProps } from "@tiptap/suggestion";
import { useId, useLayoutEffect, useRef, useState } from "react";
import { useI18n } from "~/utils/i18n";
import { safeHref, type RichDoc } from "./limits";
import { textHighlights, type Highlighter } from "./highlights.client";
import { sanitizePastedHtml } from "./paste";
import { textToDoc } from "./plain-text";
import { richTextExtensions } from "./schema";

function initialDocument(text: string, json: string | undefined): RichDoc {
  if (json) {
    try {
      const parsed: unknown = JSON.parse(json);
      if (parsed && typeof parsed === "object" && (parsed as { type?: unknown }).type === "doc") return parsed as RichDoc;
    } catch {
      // fall back to the text
    }
  }
  return textToDoc(text);
}

export interface SuggestionItem {
  id: string;
  label: string;
  kind?: "topic" | "tool";
  hint?: string;
}

export interface RichTextEditorProps {
  id: string;
  labelId: string;
  describedBy?: string;
  invalid?: boolean;
  /** What the textarea held when the editor took over (its markup becomes the document)… */
  initialText: string;
  /** …unless the field started from a stored document that the textarea still shows unchanged. */
  initialJson?: string;
  onChange(json: string): void;
  /** GET endpoint answering { items: SuggestionItem[] } for ?q= (mentions of members). */
  mentionsUrl?: string;
  /** Same, for references to topics and tools. */
  referencesUrl?: string;
  /** Spans of each text block to highlight in place (decorations only, never saved). */
  highlight?: Highlighter;
}

type Kind = "mention" | "reference";
interface SuggestState {
  kind: Kind;
  items: SuggestionItem[];
  index: number;
  query: string;
  command(item: SuggestionItem): void;
}

async function fetchItems(url: string | undefined, query: string): Promise<SuggestionItem[]> {
  if (!url || query.trim().length === 0) return [];
  try {
    const response = await fetch(`${url}${url.includes("?") ? "&" : "?"}q=${encodeURIComponent(query.slice(0, 80))}`, {
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return [];
    const data = (await response.json()) as { items?: SuggestionItem[] };
    return Array.isArray(data.items) ? data.items.slice(0, 10) : [];
  } catch {
    return [];
  }
}

export default function RichTextEditor(props: RichTextEditorProps) {
  const { t } = useI18n();
  const [, setTick] = useState(0);
  const [suggest, setSuggest] = useState<SuggestState | null>(null);
  const suggestRef = useRef<SuggestState | null>(null);
  suggestRef.current = suggest;
  const [linkOpen, setLinkOpen] = useState(false);
  const [linkValue, setLinkValue] = useState("");
  const [linkError, setLinkError] = useState(false);
  const listId = useId();
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;

  const suggestion = (kind: Kind, url: string | undefined): Partial<SuggestionOptions<SuggestionItem>> => ({
    char: kind === "mention" ? "@" : "#",
    items: ({ query }) => fetchItems(url, query),
    render: () => {
      const show = (p: SuggestionProps<SuggestionItem>) =>
        setSuggest({
          kind,
          items: p.items,
          index: 0,
          query: p.query,
          command: (item) => p.command({ id: item.id, label: item.label, ...(kind === "reference" ? { kind: item.kind ?? "topic" } : {}) }),
        });
      return {
        onStart: show,
        onUpdate: show,
        onKeyDown: ({ event }: SuggestionKeyDownProps) => {
          const current = suggestRef.current;
          if (!current) return false;
          if (event.key === "Escape") {
            setSuggest(null);
            return true;
          }
          if (current.items.length === 0) return false;
          if (event.key === "ArrowDown" || event.key === "ArrowUp") {
            const delta = event.key === "ArrowDown" ? 1 : -1;
            setSuggest({ ...current, index: (current.index + delta + current.items.length) % current.items.length });
            return true;
          }
          if (event.key === "Enter" || event.key === "Tab") {
            const item = current.items[current.index];
            if (item) current.command(item);
            return true;
          }
          return false;
        },
        onExit: () => setSuggest(null),
      };
    },
  });

  const editor = useEditor({
    extensions: [
      ...richTextExtensions({
        mention: { suggestion: suggestion("mention", props.mentionsUrl) },
        reference: { suggestion: suggestion("reference", props.referencesUrl) },
      }),
      ...(props.highlight ? [textHighlights(props.highlight)] : []),
    ],
    content: initialDocument(props.initialText, props.initialJson),
    injectCSS: false,
    immediatelyRender: true,
    editorProps: {
      transformPastedHTML: sanitizePastedHtml,
      attributes: {
        id: props.id,
        role: "textbox",
        "aria-multiline": "true",
        "aria-labelledby": props.labelId,
        ...(props.describedBy ? { "aria-describedby": props.describedBy } : {}),
        ...(props.invalid ? { "aria-invalid": "true" } : {}),
        class: "rich-text rich-text-editor__content",
      },
    },
    onUpdate: ({ editor: e }) => onChange.current(JSON.stringify(e.getJSON())),
    onTransaction: () => setTick((n) => n + 1),
  });

  // Focus in the commit itself (a layout effect), before the browser hands over keys
  // typed while the editor was being created: they land in the editor, not nowhere.
  useLayoutEffect(() => {
    if (!editor) return;
    onChange.current(JSON.stringify(editor.getJSON()));
    // Synchronously (tiptap's focus command waits for the next frame): caret at the end.
    editor.view.dispatch(editor.state.tr.setSelection(Selection.atEnd(editor.state.doc)));
    editor.view.focus();
  }, [editor]);

  if (!editor) return null;

  const button = (label: string, active: boolean, run: (e: Editor) => void, shortcut?: string) => (
    <button
      type="button"
      className="btn btn--small rich-text-editor__button"
      aria-pressed={active}
      title={shortcut ? `${label} (${shortcut})` : label}
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => run(editor)}
    >
      {label}
    </button>
  );

  const applyLink = () => {
    const href = safeHref(linkValue.trim());
    if (!href) {
      setLinkError(true);
      return;
    }
    setLinkError(false);
    const chain = editor.chain().focus();
    if (editor.state.selection.empty && !editor.isActive("link")) {
      chain.insertContent({ type: "text", text: linkValue.trim(), marks: [{ type: "link", attrs: { href } }] }).run();
    } else {
      chain.extendMarkRange("link").setLink({ href }).run();
    }
    setLinkOpen(false);
    setLinkValue("");
  };

  return (
    <div className={props.invalid ? "rich-text-editor rich-text-editor--invalid" : "rich-text-editor"}>
      <div className="rich-text-editor__toolbar cluster" role="toolbar" aria-label={t("forums.editor.toolbar")} aria-controls={props.id}>
        {button(t("forums.editor.bold"), editor.isActive("bold"), (e) => e.chain().focus().toggleBold().run(), "Ctrl+B")}
        {button(t("forums.editor.italic"), editor.isActive("italic"), (e) => e.chain().focus().toggleItalic().run(), "Ctrl+I")}
        {button(t("forums.editor.heading"), editor.isActive("heading", { level: 2 }), (e) =>
          e.chain().focus().toggleHeading({ level: 2 }).run(),
        )}
        {button(t("forums.editor.subheading"), editor.isActive("heading", { level: 3 }), (e) =>
          e.chain().focus().toggleHeading({ level: 3 }).run(),
        )}
        {button(t("forums.editor.bulletList"), editor.isActive("bulletList"), (e) => e.chain().focus().toggleBulletList().run())}
        {button(t("forums.editor.orderedList"), editor.isActive("orderedList"), (e) => e.chain().focus().toggleOrderedList().run())}
        {button(t("forums.editor.quote"), editor.isActive("blockquote"), (e) => e.chain().focus().toggleBlockquote().run())}
        {button(t("forums.editor.link"), editor.isActive("link") || linkOpen, () => {
          setLinkOpen((open) => !open);
          setLinkValue(String(editor.getAttributes("link").href ?? ""));
        })}
      </div>
      {linkOpen ? (
        <div className="rich-text-editor__link cluster">
          <label className="field__label" htmlFor={`${props.id}-link`}>
            {t("forums.editor.linkUrl")}
          </label>
          <input
            id={`${props.id}-link`}
            className="input"
            type="url"
            value={linkValue}
            aria-invalid={linkError || undefined}
            aria-describedby={linkError ? `${props.id}-link-error` : undefined}
            onChange={(e) => setLinkValue(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                applyLink();
              }
            }}
          />
          <button type="button" className="btn btn--small btn--secondary" onClick={applyLink}>
            {t("forums.editor.linkApply")}
          </button>
          {editor.isActive("link") ? (
            <button
              type="button"
              className="btn btn--small"
              onClick={() => {
                editor.chain().focus().extendMarkRange("link").unsetLink().run();
                setLinkOpen(false);
              }}
            >
              {t("forums.editor.linkRemove")}
            </button>
          ) : null}
          {linkError ? (
            <p className="field__error" id={`${props.id}-link-error`}>
              {t("forums.richText.errors.bad_link")}
            </p>
          ) : null}
        </div>
      ) : null}
      <EditorContent editor={editor} />
      {suggest ? (
        <div className="rich-text-editor__suggestions">
          <p className="meta" id={`${listId}-label`}>
            {suggest.kind === "mention" ? t("forums.editor.mentionHelp") : t("forums.editor.referenceHelp")}
          </p>
          {suggest.items.length > 0 ? (
            <ul role="listbox" id={listId} aria-labelledby={`${listId}-label`} className="rich-text-editor__options">
              {suggest.items.map((item, i) => (
                <li
                  key={`${item.kind ?? "m"}:${item.id}`}
                  role="option"
                  aria-selected={i === suggest.index}
                  className="rich-text-editor__option"
                  onMouseDown={(event) => {
                    event.preventDefault();
                    suggest.command(item);
                  }}
                >
                  {item.label}
                  {item.kind ? (
                    <span className="meta"> · {t(item.kind === "tool" ? "forums.editor.kindTool" : "forums.editor.kindTopic")}</span>
                  ) : null}
                  {item.hint ? <span className="meta"> · {item.hint}</span> : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="meta">{suggest.query ? t("forums.editor.noMatch") : t("forums.editor.typeToSearch")}</p>
          )}
        </div>
      ) : null}
    </div>
  );
}
