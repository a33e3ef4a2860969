// The identifier guard in the page.
//  - GuardFindings: the refusal's findings listed with their excerpt (works without
//    JavaScript), each with a "this passage identifies no one" box and a reason: the
//    save then goes through for exactly that finding (guard.server.ts) — except a
//    finding certain by its form, which says why it cannot be overridden. Used by cases,
//    forum topics and replies, and chat messages.
//  - FindingsPreview: with JavaScript, the field's text with the findings highlighted,
//    as the person types. findIdentifiers is pure: it is imported lazily (only pages
//    with a field to check download it) and runs in the browser on the field's current
//    text, so the highlights follow every edit; the server still decides on save.
//    Each highlight carries its kind as visible text (not colour alone); for assistive
//    technology the highlighted copy is hidden and the list of findings, linked to the
//    field (aria-describedby), says the same; a polite live region counts them.
import { useEffect, useState } from "react";
import type { IdentifierKind } from "./identifiers";
import type { GuardFinding } from "./guard.server";
import { overrideKey } from "./override-key";
import { useI18n } from "~/utils/i18n";

type ShownFinding = Pick<GuardFinding, "field" | "kind" | "before" | "match" | "after"> & { certain?: boolean };

/**
 * The findings of a refused save. `fieldLabel` names the field a finding is in (each
 * capability has its own labels); `idPrefix` keeps ids unique when two lists are on a page.
 */
export function GuardFindings({
  findings,
  fieldLabel,
  overridable = true,
  idPrefix = "override",
}: {
  findings: ShownFinding[];
  fieldLabel: (field: string) => string;
  overridable?: boolean;
  idPrefix?: string;
}) {
  const {
    t,
    tx,
    colon,
    quotes: [open, close],
  } = useI18n();
  return (
    <>
      <p>{t("identifierGuard.lead")}</p>
      <ul className="guard-findings">
        {findings.map((f, i) => (
          <li key={i} data-kind={f.kind} className="stack stack--2xs">
            <span>
              <strong>{fieldLabel(f.field)}</strong> — {tx(`identifierGuard.kinds.${f.kind}`)}
              {colon}
              {open}
              {f.before}
              <mark>{f.match}</mark>
              {f.after}
              {close}
            </span>
            {f.certain ? (
              // Certain by its form: there is no honest doubt to declare, so no box.
              <p className="guard-findings__certain">{t("identifierGuard.certain")}</p>
            ) : overridable ? (
              // A visible label above a full-width input (a placeholder as the only label was
              // cut off on narrow screens and vanished once typing started).
              <div className="guard-findings__override stack stack--2xs">
                <label className="checkbox">
                  <input type="checkbox" name={`overrides.${i}.key`} value={overrideKey(f)} />{" "}
                  <span>{t("identifierGuard.overrideCheck")}</span>
                </label>
                <div className="field">
                  <label className="field__label" htmlFor={`${idPrefix}-reason-${f.field}-${i}`}>
                    {t("identifierGuard.overrideReason")}
                  </label>
                  <input
                    id={`${idPrefix}-reason-${f.field}-${i}`}
                    className="input"
                    name={`overrides.${i}.reason`}
                    minLength={15}
                    maxLength={300}
                  />
                </div>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}

type Finder = (text: string) => Array<{ kind: IdentifierKind | string; start: number; end: number }>;
let finder: Promise<Finder> | null = null;
const loadFinder = () => (finder ??= import("./identifiers").then((m) => m.findIdentifiers));
/** For RichTextField's loadHighlighter: the editor highlights possible identifiers in place. */
export const loadIdentifierHighlighter = loadFinder;
/** The pure detector and its excerpt helper, loaded on demand (a composer checks before sending). */
export const loadIdentifierGuard = () => import("./identifiers");

/** The text a field holds now: a textarea or input's value, or the rich-text editor's text. */
function currentText(el: Element | null): string {
  if (!el) return "";
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement) return el.value;
  // The tiptap editor (contenteditable): one line per block, like the server's plain text.
  return (
    Array.from(el.querySelectorAll("p, h2, h3, li"))
      .map((b) => b.textContent ?? "")
      .join("\n") ||
    (el.textContent ?? "")
  );
}

/**
 * Below a free-text field: its findings highlighted in its text. `fieldId` is the id of
 * the input, textarea or editor; `active` starts checking at once (after a refused
 * save), otherwise it starts on the first edit.
 */
export function FindingsPreview({ fieldId, label, active = false }: { fieldId: string; label: string; active?: boolean }) {
  const {
    t,
    tx,
    colon,
    quotes: [open, close],
  } = useI18n();
  const [state, setState] = useState<{ text: string; spans: ReturnType<Finder> } | null>(null);
  // "None detected" is said only once there had been some (the person fixed them).
  const [hadFindings, setHadFindings] = useState(false);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = () => {
      loadFinder().then(
        (find) => {
          if (cancelled) return;
          const text = currentText(document.getElementById(fieldId));
          const spans = find(text);
          setState({ text, spans });
          if (spans.length > 0) setHadFindings(true);
        },
        () => {},
      );
    };
    // The editor replaces the textarea under the same id: listen on the document.
    const onInput = (event: Event) => {
      const target = event.target instanceof Element ? event.target : null;
      if (!target || !(target.id === fieldId || target.closest(`#${CSS.escape(fieldId)}`))) return;
      clearTimeout(timer);
      timer = setTimeout(run, 150);
    };
    document.addEventListener("input", onInput, true);
    if (active) run();
    return () => {
      cancelled = true;
      clearTimeout(timer);
      document.removeEventListener("input", onInput, true);
    };
  }, [fieldId, active]);

  useEffect(() => {
    // The list describes the field, so a screen reader announces it on focus.
    const el = document.getElementById(fieldId);
    if (!el || !state?.spans.length) return;
    const id = `${fieldId}-findings`;
    const before = el.getAttribute("aria-describedby") ?? "";
    if (!before.split(" ").includes(id)) el.setAttribute("aria-describedby", `${before} ${id}`.trim());
  }, [fieldId, state]);

  // The live region is always in the page, so that its first change is announced.
  const count = state?.spans.length ?? 0;
  if (!state || (count === 0 && !hadFindings)) {
    return (
      <div className="guard-preview guard-preview--empty" data-field={fieldId}>
        <p className="visually-hidden" role="status" aria-live="polite" />
      </div>
    );
  }
  const parts: React.ReactNode[] = [];
  let at = 0;
  state.spans.forEach((s, i) => {
    if (s.start > at) parts.push(<span key={`t${i}`}>{state.text.slice(at, s.start)}</span>);
    parts.push(
      <mark key={`m${i}`} className="guard-mark" data-kind={s.kind}>
        {state.text.slice(s.start, s.end)}
        <small className="guard-mark__kind">{tx(`identifierGuard.kinds.${s.kind}`)}</small>
      </mark>,
    );
    at = s.end;
  });
  if (at < state.text.length) parts.push(<span key="end">{state.text.slice(at)}</span>);
  return (
    <div className="guard-preview stack stack--2xs" data-field={fieldId}>
      <p className="meta" role="status" aria-live="polite">
        {count === 0 ? t("identifierGuard.findingsNone") : tx("identifierGuard.findingsLive", { count })}
      </p>
      {count > 0 ? (
        <>
          <p className="guard-preview__text" aria-hidden="true">
            {parts}
          </p>
          <ul id={`${fieldId}-findings`} className="guard-preview__list" aria-label={t("identifierGuard.findingsTitle", { field: label })}>
            {state.spans.map((s, i) => (
              <li key={i} data-kind={s.kind}>
                {tx(`identifierGuard.kinds.${s.kind}`)}
                {colon}
                {open}
                {state.text.slice(s.start, s.end)}
                {close}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

const isShownFinding = (v: unknown): v is ShownFinding =>
  typeof v === "object" &&
  v !== null &&
  "field" in v &&
  typeof v.field === "string" &&
  "kind" in v &&
  typeof v.kind === "string" &&
  "before" in v &&
  typeof v.before === "string" &&
  "match" in v &&
  typeof v.match === "string" &&
  "after" in v &&
  typeof v.after === "string";

/** The findings an action answered with (`{ findings: [...] }`), whatever else it carries. */
export function findingsIn(data: unknown): ShownFinding[] {
  if (typeof data !== "object" || data === null || !("findings" in data) || !Array.isArray(data.findings)) return [];
  return data.findings.filter(isShownFinding);
}
