// Server-side drafts while writing: with JavaScript, what is written is saved a couple
// of seconds after each change (and restored by the page's loader next time).
// Without JavaScript the form's "Save draft" button does the same.
import { useFetcher } from "@remix-run/react";
import { useCallback, useEffect, useRef, type RefObject } from "react";

export const DRAFT_DELAY_MS = 2_000;
const DRAFTS_ACTION = "/forums/drafts";

/**
 * For the writing pages' `shouldRevalidate`: an autosaved draft changes nothing the
 * page shows, so its page data is not reloaded (nor its fields reset under the person).
 */
export const isDraftAutosave = (formAction: string | undefined) => formAction === DRAFTS_ACTION;

export function useDraftAutosave(formRef: RefObject<HTMLFormElement>, key: string) {
  const fetcher = useFetcher();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const submit = useRef(fetcher.submit);
  submit.current = fetcher.submit;
  const save = useCallback(() => {
    const form = formRef.current;
    if (!form) return;
    const data = new FormData(form);
    const payload = new FormData();
    payload.set("key", key);
    for (const name of ["title", "body", "bodyJson"]) {
      const value = data.get(name);
      if (typeof value === "string") payload.set(name, value);
    }
    submit.current(payload, { method: "post", action: DRAFTS_ACTION });
  }, [formRef, key]);
  const schedule = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(save, DRAFT_DELAY_MS);
  }, [save]);
  /** On submit: what is being published must not come back as a draft a moment later. */
  const cancel = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  }, []);
  useEffect(() => cancel, [cancel]);
  return { schedule, cancel, saving: fetcher.state !== "idle", saved: fetcher.state === "idle" && Boolean(fetcher.data) };
}
