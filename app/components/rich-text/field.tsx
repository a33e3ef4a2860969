// A rich-text form field that works without JavaScript: a plain <textarea> (the
// markup documented in plain-text.ts) submitted as `body`. When someone starts
// writing and JavaScript runs, the tiptap editor is imported (only then) and takes
// the textarea's place; it submits its JSON as `bodyJson`. The server validates
// either against the one schema.
//
// The field owns its content once mounted: `defaultText`/`defaultJson` are read when
// the textarea is created and when the editor takes its place, never afterwards. A
// new value from the server (a revalidation after a draft autosave, a reaction, a
// live update) must not touch what the person is typing, its caret or its focus. A
// page that wants an empty field again (after a successful post) changes the field's
// (or its form's) `key`: see `useSucceededCount`.
import { useRef, useState, type ComponentType } from "react";
import { useI18n } from "~/utils/i18n";
import { pageHtmlAttribute, usePageHtml } from "~/utils/page-html";
import type { RichTextEditorProps } from "./editor.client";
import type { Highlighter } from "./highlights.client";

export interface RichTextFieldProps {
  id: string;
  label: string;
  hint?: string;
  errors?: string[];
  /** Textarea markup to start from (a draft, a quote, an existing post). */
  defaultText?: string;
  /** The same content as the editor's JSON, when known (editing a stored post). */
  defaultJson?: string;
  name?: string;
  jsonName?: string;
  mentionsUrl?: string;
  referencesUrl?: string;
  rows?: number;
  /** Called with the editor's JSON on every change (autosave). */
  onEditorChange?(json: string): void;
  /** Loads a function whose spans the editor highlights in place (loaded with the editor). */
  loadHighlighter?(): Promise<Highlighter>;
}

let editorModule: Promise<{ default: ComponentType<RichTextEditorProps> }> | null = null;
const loadEditor = () => (editorModule ??= import("./editor.client"));

export function RichTextField(props: RichTextFieldProps) {
  const { t, tx } = useI18n();
  const { id, name = "body", jsonName = "bodyJson" } = props;
  // The textarea's node outlives its unmounting (the ref is never cleared): the editor
  // takes its text at the moment it replaces it, so nothing typed while tiptap loaded is lost.
  const textarea = useRef<HTMLTextAreaElement | null>(null);
  const keepTextarea = (node: HTMLTextAreaElement | null) => {
    if (node) textarea.current = node;
  };
  const [Editor, setEditor] = useState<ComponentType<RichTextEditorProps> | null>(null);
  const [seed, setSeed] = useState<{ highlight?: Highlighter } | null>(null);
  const [json, setJson] = useState("");
  const invalid = Boolean(props.errors?.length);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [props.hint ? hintId : null, invalid ? errorId : null].filter(Boolean).join(" ") || undefined;

  const start = () => {
    if (Editor) return;
    Promise.all([loadEditor(), props.loadHighlighter?.().catch(() => undefined)]).then(
      ([mod, highlight]) => {
        setSeed({ highlight });
        setEditor(() => mod.default);
      },
      () => {
        // Offline or blocked: the textarea keeps working.
      },
    );
  };

  return (
    <div className={invalid ? "field field--invalid rich-text-field" : "field rich-text-field"}>
      <label className="field__label" id={`${id}-label`} htmlFor={id}>
        {props.label}
      </label>
      {props.hint ? (
        <p className="field__hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      {Editor && seed ? (
        <>
          <Editor
            id={id}
            labelId={`${id}-label`}
            describedBy={describedBy}
            invalid={invalid}
            initialText={textarea.current?.value ?? props.defaultText ?? ""}
            initialJson={(textarea.current?.value ?? props.defaultText ?? "") === (props.defaultText ?? "") ? props.defaultJson : undefined}
            mentionsUrl={props.mentionsUrl}
            referencesUrl={props.referencesUrl}
            highlight={seed.highlight}
            onChange={(value) => {
              setJson(value);
              props.onEditorChange?.(value);
            }}
          />
          <input type="hidden" name={jsonName} value={json} />
        </>
      ) : (
        <>
          <textarea
            ref={keepTextarea}
            id={id}
            name={name}
            className="input rich-text-field__textarea"
            rows={props.rows ?? 8}
            defaultValue={props.defaultText ?? ""}
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy}
            onFocus={start}
            // Only fetch the module here: swapping the element during a pointerdown would
            // remove the node the browser is about to focus, and the focus (with every key
            // typed next) would fall back to <main>. The swap waits for the focus event.
            onPointerDown={() => void loadEditor().catch(() => undefined)}
          />
          <details className="rich-text-field__syntax">
            <summary>{t("forums.editor.syntaxTitle")}</summary>
            <ul className="meta">
              <li>{t("forums.editor.syntax.paragraph")}</li>
              <li>{t("forums.editor.syntax.emphasis")}</li>
              <li>{t("forums.editor.syntax.headings")}</li>
              <li>{t("forums.editor.syntax.lists")}</li>
              <li>{t("forums.editor.syntax.quote")}</li>
              <li>{t("forums.editor.syntax.links")}</li>
              <li>{t("forums.editor.syntax.mentions")}</li>
            </ul>
          </details>
        </>
      )}
      {invalid ? (
        <p className="field__error" id={errorId}>
          {props.errors?.map((e) => tx(e)).join(" ")}
        </p>
      ) : null}
    </div>
  );
}

/** Server-rendered HTML of stored rich text (render.server.ts): escaped, schema-only, no script or style. */
export function RichTextView({ html, className }: { html: string; className?: string }) {
  return <div className={className ? `rich-text ${className}` : "rich-text"} dangerouslySetInnerHTML={{ __html: html }} />;
}

/**
 * The same, for HTML a page may carry in its markup only (app/utils/page-html.tsx): `html`
 * null means "the page has it under `pageKey`".
 */
export function PageRichTextView({ html, pageKey, className }: { html: string | null; pageKey: string; className?: string }) {
  const resolved = usePageHtml(pageKey, html);
  return (
    <div
      className={className ? `rich-text ${className}` : "rich-text"}
      {...{ [pageHtmlAttribute]: pageKey }}
      dangerouslySetInnerHTML={{ __html: resolved }}
    />
  );
}
