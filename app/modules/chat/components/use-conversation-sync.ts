// The messages of a conversation page kept in step with the server: the loader's data
// merged in on every navigation, incoming messages merged by id, and on each (re)connection
// the room joined and the backfill read from the last message seen (decision 005).
import { useCallback, useEffect, useRef, useState } from "react";
import { request } from "~/modules/realtime/live";
import { CHAT_EVENTS, joinResultSchema, type ChatMessage } from "../schemas";

export function merge(list: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  if (incoming.length === 0) return list;
  const byId = new Map(list.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}
export const replaceIn = (list: ChatMessage[], updated: ChatMessage) =>
  list.some((m) => m.id === updated.id) ? list.map((m) => (m.id === updated.id ? updated : m)) : list;

/** The loader's data (the same object until the loader runs again: the merge effect depends on it). */
export interface SyncSource {
  conversation: { id: string };
  messages: ChatMessage[];
  hasMore: boolean;
  thread: { root: ChatMessage; replies: ChatMessage[] } | null;
  lastMessageId: number;
  syncedAt: string;
}

export function useConversationSync(
  data: SyncSource,
  live: { member: boolean; online: boolean; connection: unknown },
  /** After each backfill completes (presence, read position, the outbox). */
  afterSync: (cancelled: () => boolean) => Promise<void>,
) {
  const id = data.conversation.id;
  const threadRoot = data.thread?.root ?? null;
  const [messages, setMessages] = useState(data.messages);
  const [threadReplies, setThreadReplies] = useState(data.thread?.replies ?? []);
  const [root, setRoot] = useState(threadRoot);
  const [hasMore, setHasMore] = useState(data.hasMore);
  const lastSeen = useRef(data.lastMessageId);
  const syncedAt = useRef(data.syncedAt);
  const after = useRef(afterSync);
  after.current = afterSync;

  // New loader data (a navigation, a form without JavaScript, a revalidation): merge it in.
  useEffect(() => {
    setMessages((current) =>
      merge(
        current.filter((m) => m.id >= (data.messages[0]?.id ?? 0)),
        data.messages,
      ),
    );
    setThreadReplies(data.thread?.replies ?? []);
    setRoot(data.thread?.root ?? null);
    setHasMore(data.hasMore);
    lastSeen.current = Math.max(lastSeen.current, data.lastMessageId);
  }, [data]);

  /** Messages that arrived (broadcast, ack, backfill): merged where they belong. */
  const see = useCallback(
    (incoming: ChatMessage[]) => {
      for (const m of incoming) lastSeen.current = Math.max(lastSeen.current, m.id);
      const top = incoming.filter((m) => m.parentId === null);
      setMessages((current) => merge(current, top));
      if (threadRoot) {
        setThreadReplies((current) =>
          merge(
            current,
            incoming.filter((m) => m.parentId === threadRoot.id),
          ),
        );
        const updatedRoot = incoming.find((m) => m.id === threadRoot.id);
        if (updatedRoot) setRoot(updatedRoot);
      }
    },
    [threadRoot],
  );

  /** A message changed (edited, deleted, removed, reacted to): replaced wherever it shows. */
  const replace = useCallback((message: ChatMessage) => {
    setMessages((current) => replaceIn(current, message));
    setThreadReplies((current) => replaceIn(current, message));
    setRoot((current) => (current && current.id === message.id ? message : current));
  }, []);

  /** An earlier page of the timeline. */
  const prepend = useCallback((older: ChatMessage[], more: boolean) => {
    setMessages((current) => merge(current, older));
    setHasMore(more);
  }, []);

  // Each (re)connection: join the room, backfill from the last message seen.
  const { member, online, connection } = live;
  useEffect(() => {
    if (!member || !online) return;
    let cancelled = false;
    void (async () => {
      for (;;) {
        const ack = await request(
          CHAT_EVENTS.join,
          { conversationId: id, afterId: lastSeen.current, since: syncedAt.current },
          joinResultSchema,
        );
        if (cancelled || !ack.ok) return;
        see(ack.messages);
        if (ack.updated.length) {
          // Changed messages, and any never broadcast to us (a server died between ack and
          // broadcast): merged within the loaded window, replaced elsewhere.
          const within = (current: ChatMessage[], m: ChatMessage) => m.id >= (current[0]?.id ?? 0);
          setMessages((current) =>
            merge(
              ack.updated.reduce(replaceIn, current),
              ack.updated.filter((m) => m.parentId === null && within(current, m)),
            ),
          );
          setThreadReplies((current) =>
            merge(ack.updated.reduce(replaceIn, current), threadRoot ? ack.updated.filter((m) => m.parentId === threadRoot.id) : []),
          );
          setRoot((current) => (current ? (ack.updated.find((m) => m.id === current.id) ?? current) : current));
        }
        syncedAt.current = ack.syncedAt;
        if (!ack.hasMore) break;
      }
      await after.current(() => cancelled);
    })();
    return () => {
      cancelled = true;
    };
  }, [id, member, online, connection, see, threadRoot]);

  return { messages, threadReplies, root, hasMore, lastSeen, see, replace, prepend };
}
