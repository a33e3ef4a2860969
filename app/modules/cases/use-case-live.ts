// A reply, the recommendations or a follow-up appear on an open case page without a
// reload: on the browser's one live connection (~/modules/realtime/live, opened by the header
// for signed-in people) the page stays in the case's reader room and, when something is
// posted there, revalidates the page's loader, so the reader's own rights and the
// pseudonym rule decide what is shown. Without JavaScript the next page load shows it.
//
// The event contracts (zod) are imported when the page goes live, after hydration: live
// updates are an enhancement and stay out of a read page's first load.
import { useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { onLive, useReaderRoom } from "~/modules/realtime/live";

const contracts = () => import("./live-schemas");
const roomEvents = () => contracts().then((c) => c.CASE_LIVE_EVENTS);

/** True once something posted by someone else arrived live on this case (for a polite announcement). */
export function useCaseLive(options: { caseId: string; enabled: boolean; knownPostIds: number[] }): boolean {
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  // While this reader's own form is posting, the redirect that follows reloads the page.
  const navigating = useRef(false);
  navigating.current = useNavigation().state !== "idle";
  const known = useRef(new Set<number>());
  known.current = new Set(options.knownPostIds);
  // Which case the arrival was on: moving to another case needs no reset.
  const [arrivedOn, setArrivedOn] = useState<string | null>(null);

  useReaderRoom(roomEvents, { caseId: options.caseId }, options.enabled);

  useEffect(() => {
    if (!options.enabled) return;
    const caseId = options.caseId;
    let closed = false;
    let stop = () => {};
    void contracts().then(({ CASE_LIVE_EVENTS, casePostBroadcastSchema }) => {
      if (closed) return;
      stop = onLive(CASE_LIVE_EVENTS.post, (raw) => {
        const event = casePostBroadcastSchema.safeParse(raw);
        // Our own post is already on the page after the form's redirect.
        if (!event.success || event.data.caseId !== caseId || known.current.has(event.data.postId) || navigating.current) return;
        setArrivedOn(caseId);
        revalidate.current();
      });
    });
    return () => {
      closed = true;
      stop();
    };
  }, [options.caseId, options.enabled]);

  return arrivedOn === options.caseId;
}
