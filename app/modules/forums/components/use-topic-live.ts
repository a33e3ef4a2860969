// A reply appears live for people reading the topic: on the browser's one live
// connection (~/modules/realtime/live, opened by the header for signed-in people) the
// page joins the topic's room (the server checks the reader may read it) and, when a
// post is published there, fetches it with the reader's own rights
// (/forums/api/posts/:id) so RLS decides what each reader gets. On every
// reconnection it joins again and the next page load shows anything missed. Without
// JavaScript the page simply shows the replies on the next load.
//
// The event contracts (zod) are imported when the page goes live, after hydration:
// live updates are an enhancement and stay out of a read page's first load.
import { useEffect, useRef, useState } from "react";
import { onLive, useReaderRoom } from "~/modules/realtime/live";
import type { PostData } from "./post-article";

const contracts = () => import("../live-schemas");
const roomEvents = () => contracts().then((c) => c.FORUM_LIVE_EVENTS);

export interface LivePost {
  post: PostData;
  authorName: string;
}

function isPostPayload(value: unknown): value is { post: PostData } {
  return Boolean(
    value &&
    typeof value === "object" &&
    (value as { post?: unknown }).post &&
    typeof (value as { post: { id?: unknown } }).post.id === "number",
  );
}

export function useTopicLive(options: { topicId: number; enabled: boolean; knownNumbers: number[] }) {
  const [live, setLive] = useState<LivePost[]>([]);
  const known = useRef(new Set<number>());
  known.current = new Set([...options.knownNumbers, ...live.map((l) => l.post.post_number)]);
  useEffect(() => {
    setLive([]);
  }, [options.topicId]);

  useReaderRoom(roomEvents, { topicId: options.topicId }, options.enabled);

  useEffect(() => {
    if (!options.enabled) return;
    let closed = false;
    let stop = () => {};
    void contracts().then(({ FORUM_LIVE_EVENTS, forumPostBroadcastSchema }) => {
      if (closed) return;
      stop = onLive(FORUM_LIVE_EVENTS.post, async (raw) => {
        const event = forumPostBroadcastSchema.safeParse(raw);
        if (!event.success || event.data.topicId !== options.topicId || known.current.has(event.data.postNumber)) return;
        known.current.add(event.data.postNumber);
        try {
          const response = await fetch(`/forums/api/posts/${event.data.postId}`, { headers: { Accept: "application/json" } });
          if (!response.ok) return;
          const data: unknown = await response.json();
          if (closed || !isPostPayload(data)) return;
          setLive((current) =>
            current.some((p) => p.post.id === data.post.id)
              ? current
              : [...current, { post: data.post, authorName: event.data.authorName }],
          );
        } catch {
          // The next page load shows it.
        }
      });
    });
    return () => {
      closed = true;
      stop();
    };
  }, [options.topicId, options.enabled]);

  return live;
}
