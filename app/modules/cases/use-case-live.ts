// A reply, the recommendations or a follow-up appear on an open case page without a
// reload: on the browser's one live connection (~/modules/chat/live, opened by the header
// for signed-in people) the page joins the case's room (the server checks the reader may
// read the case) and, when something is posted there, revalidates the page's loader, so
// the reader's own rights and the pseudonym rule decide what is shown. Joined again on
// every reconnection. Without JavaScript the next page load shows it.
//
// The event contracts (zod) are imported when the page goes live, after hydration: live
// updates are an enhancement and stay out of a read page's first load.
import { useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { onLive, request, useLive } from "~/modules/chat/live";

const contracts = () => import("./live-schemas");

/** Returns how many posts arrived live since the page loaded (for a polite announcement). */
export function useCaseLive(options: { caseId: string; enabled: boolean; knownPostIds: number[] }): number {
  const { status, connection } = useLive();
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  // While this reader's own form is posting, the redirect that follows reloads the page.
  const navigating = useRef(false);
  navigating.current = useNavigation().state !== "idle";
  const known = useRef(new Set<number>());
  known.current = new Set(options.knownPostIds);
  const [arrived, setArrived] = useState(0);

  useEffect(() => setArrived(0), [options.caseId]);

  useEffect(() => {
    if (!options.enabled || status !== "online") return;
    const caseId = options.caseId;
    void contracts().then(({ CASE_LIVE_EVENTS, caseAckSchema }) => request(CASE_LIVE_EVENTS.join, { caseId }, caseAckSchema));
    return () => {
      void contracts().then(({ CASE_LIVE_EVENTS, caseAckSchema }) => request(CASE_LIVE_EVENTS.leave, { caseId }, caseAckSchema));
    };
  }, [options.caseId, options.enabled, status, connection]);

  useEffect(() => {
    if (!options.enabled) return;
    let closed = false;
    let stop = () => {};
    void contracts().then(({ CASE_LIVE_EVENTS, casePostBroadcastSchema }) => {
      if (closed) return;
      stop = onLive(CASE_LIVE_EVENTS.post, (raw) => {
        const event = casePostBroadcastSchema.safeParse(raw);
        // Our own post is already on the page after the form's redirect.
        if (!event.success || event.data.caseId !== options.caseId || known.current.has(event.data.postId) || navigating.current) return;
        setArrived((n) => n + 1);
        revalidate.current();
      });
    });
    return () => {
      closed = true;
      stop();
    };
  }, [options.caseId, options.enabled]);

  return arrived;
}
