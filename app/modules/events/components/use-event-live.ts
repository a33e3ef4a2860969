// The live Q&A without polling: the page joins its event's room on the browser's one
// live connection, and when the server says the Q&A changed it reloads the page's data
// (Remix revalidation, with the reader's own rights). Without JavaScript, the Q&A is
// as fresh as the last page load.
import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { onLive, useReaderRoom } from "~/modules/realtime/live";

const contracts = () => import("../live-schemas");
const roomEvents = () => contracts().then((c) => c.EVENT_LIVE_EVENTS);

export function useEventLive(eventId: string, enabled: boolean) {
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  useReaderRoom(roomEvents, { eventId }, enabled);
  useEffect(() => {
    if (!enabled) return;
    let closed = false;
    let stop = () => {};
    void contracts().then(({ EVENT_LIVE_EVENTS, eventLiveChangedSchema }) => {
      if (closed) return;
      stop = onLive(EVENT_LIVE_EVENTS.changed, (raw) => {
        const event = eventLiveChangedSchema.safeParse(raw);
        if (event.success && event.data.eventId === eventId) revalidate.current();
      });
    });
    return () => {
      closed = true;
      stop();
    };
  }, [eventId, enabled]);
}
