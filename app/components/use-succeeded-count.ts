// How many times a form's submission (named by its `intent`) has succeeded on this
// page, i.e. the action answered with a redirect rather than with errors. Used as the
// form's `key`, it gives the person fresh, empty fields after each successful post
// (no text left behind to be posted twice) and leaves the fields alone otherwise: a
// refused post keeps what was written, a revalidation changes nothing.
// Without JavaScript the redirect loads a new page, which does the same.
import { useActionData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

export function useSucceededCount(intent: string): number {
  const navigation = useNavigation();
  const actionData = useActionData<unknown>();
  const [count, setCount] = useState(0);
  const waiting = useRef(false);
  const submitting = navigation.formData?.get("intent") === intent;
  useEffect(() => {
    if (submitting) {
      waiting.current = true;
      return;
    }
    if (!waiting.current || navigation.state !== "idle") return;
    waiting.current = false;
    // After a redirect the router clears the action's data; data means the action refused.
    if (actionData == null) setCount((n) => n + 1);
  }, [submitting, navigation.state, actionData]);
  return count;
}
