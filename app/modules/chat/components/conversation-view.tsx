// A conversation on screen. Rendered on the server from the database (readable and
// usable without JavaScript: every action is a form). With JavaScript it goes live:
// it joins the conversation's room and backfills from the last message it has (on
// every reconnection too), sends through the socket with a client id and retries
// until acknowledged, shows typing, presence and read receipts, and marks what is
// on screen as read.
// The same view is embedded in other pages (an event's live room): `embedded` gives it
// a section heading instead of the page's h1, and its message actions (react, edit,
// delete, report, mark read) post to the conversation's own page without JavaScript;
// only the composer posts to the embedding page, whose action sends and comes back.
import { Form, Link, useNavigate } from "@remix-run/react";
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
} from "react";
import { useI18n } from "~/utils/i18n";
import { newClientId } from "../client-id";
import { MESSAGE_MAX_LENGTH, TYPING_TIMEOUT_MS } from "../limits";
import { onLive, request, setActiveConversation, startLive, useLive } from "~/modules/realtime/live";
import {
  CHAT_BROADCASTS,
  CHAT_EVENTS,
  emptyResultSchema,
  historyResultSchema,
  messageBodySchema,
  messageResultSchema,
  messageSchema,
  presenceBroadcastSchema,
  presenceResultSchema,
  readBroadcastSchema,
  readResultSchema,
  typingBroadcastSchema,
  type ChatMessage,
} from "../schemas";
import { Composer, type Finding } from "./composer";
import { MessageItem } from "./message-item";
import { useConversationSync } from "./use-conversation-sync";
import { useOutbox, type Pending } from "./use-outbox";
import { GuardFindings, loadIdentifierGuard } from "~/modules/identifier-guard/components";
import { overridesFromForm, overridesSchema } from "~/modules/identifier-guard/schemas";

export interface ConversationData {
  conversation: {
    id: string;
    kind: "direct" | "group" | "channel";
    visibility: "members" | "verified";
    name: string;
    topic: string | null;
    me: { role: "owner" | "member"; lastReadMessageId: number } | null;
    members: Array<{ id: string; name: string; role: "owner" | "member"; lastReadMessageId: number }>;
    memberCount: number;
    canManage: boolean;
    readReceipts: boolean;
  };
  messages: ChatMessage[];
  hasMore: boolean;
  thread: { root: ChatMessage; replies: ChatMessage[]; hasMore: boolean } | null;
  syncedAt: string;
  lastMessageId: number;
  me: string;
  clientId: string;
  editing: number | null;
  reporting: number | null;
  before: number | null;
}

export interface ActionResult {
  intent: string | null;
  formError: string | null;
  fieldErrors: Record<string, string[] | null | undefined>;
  body?: string;
  /** A refusal of the identifier guard: what it found, and the message being edited. */
  findings?: Finding[];
  messageId?: number;
  parentId?: number;
}

const sameFinding = (o: { field: string; kind: string; match: string }, f: Finding) =>
  o.field === f.field && o.kind === f.kind && o.match === f.match;

const TYPING_SEND_EVERY_MS = 3000;

/** A conversation shown inside another page. */
export interface ConversationEmbed {
  /** The section's heading (an h2) and its id, for the page's aria-labelledby. */
  title: string;
  titleId: string;
  /** Shown under the heading (e.g. the link to the full conversation page). */
  lead?: ReactNode;
}

export function ConversationView({
  data,
  action,
  embedded,
}: {
  data: ConversationData;
  action: ActionResult | undefined;
  embedded?: ConversationEmbed;
}) {
  const { t, tx } = useI18n();
  const navigate = useNavigate();
  const live = useLive();
  const { conversation, me } = data;
  const id = conversation.id;
  const threadRoot = data.thread?.root ?? null;

  const [reads, setReads] = useState(() => Object.fromEntries(conversation.members.map((m) => [m.id, m.lastReadMessageId])));
  const [typing, setTyping] = useState<Record<string, number>>({});
  const [online, setOnline] = useState<string[]>([]);
  const [editing, setEditing] = useState<number | null>(data.editing);
  const [removed, setRemoved] = useState(false);
  const [composerError, setComposerError] = useState<string | null>(null);
  // The identifier guard's findings in a composer (checked in the browser before sending,
  // or answered by the server), by composer; the person fixes the text or marks them.
  const [guard, setGuard] = useState<{ composer: string; findings: Finding[] } | null>(null);
  const [mentionQuery, setMentionQuery] = useState<string | null>(null);
  const myRead = useRef(conversation.me?.lastReadMessageId ?? 0);
  const composer = useRef<HTMLTextAreaElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const lastTypingSent = useRef(0);
  const typingStop = useRef<ReturnType<typeof setTimeout>>();
  const member = Boolean(conversation.me);
  const liveOn = live.status === "online";

  // New loader data (a navigation, a form without JavaScript, a revalidation): the
  // messages are merged by useConversationSync; the rest follows here.
  useEffect(() => {
    setEditing(data.editing);
    setReads((current) => ({
      ...current,
      ...Object.fromEntries(data.conversation.members.map((m) => [m.id, Math.max(m.lastReadMessageId, current[m.id] ?? 0)])),
    }));
  }, [data]);

  const names = useMemo(() => new Map(conversation.members.map((m) => [m.id, m.name])), [conversation.members]);

  // Each (re)connection ends here once the backfill is read: who is online, the read
  // position, and the outbox's waiting messages sent again.
  const resendRef = useRef<() => void>(() => {});
  const markReadRef = useRef<() => void>(() => {});
  const afterSync = useCallback(
    async (cancelled: () => boolean) => {
      const presence = await request(CHAT_EVENTS.presence, { conversationId: id }, presenceResultSchema);
      if (!cancelled() && presence.ok) setOnline(presence.online);
      markReadRef.current();
      resendRef.current();
    },
    [id],
  );
  const { messages, threadReplies, root, hasMore, lastSeen, see, replace, prepend } = useConversationSync(
    data,
    { member, online: liveOn, connection: live.connection },
    afterSync,
  );

  const outbox = useOutbox(id, {
    onSent: (message) => see([message]),
    onGuardRefusal: (p, findings) => {
      // Refused by the server's guard (nothing stored): the text goes back to its composer with the findings.
      const suffix = p.parentId ? "thread" : "main";
      const field = document.getElementById(`composer-${suffix}`);
      if (field instanceof HTMLTextAreaElement && !field.value.trim()) field.value = p.body;
      setGuard({ composer: suffix, findings });
    },
  });
  const { pending, deliver } = outbox;
  resendRef.current = outbox.resendWaiting;

  const markRead = useCallback(() => {
    if (!member || document.visibilityState !== "visible") return;
    const latest = lastSeen.current;
    if (latest <= myRead.current) return;
    void request(CHAT_EVENTS.read, { conversationId: id, messageId: latest }, readResultSchema).then((ack) => {
      if (ack.ok) myRead.current = Math.max(myRead.current, ack.lastReadMessageId);
    });
  }, [id, member, lastSeen]);
  markReadRef.current = markRead;

  // Live events of this conversation.
  useEffect(() => {
    if (!member) return;
    startLive(me);
    setActiveConversation(id);
    const offs = [
      onLive(CHAT_BROADCASTS.message, (raw) => {
        const m = messageSchema.safeParse(raw);
        if (!m.success || m.data.conversationId !== id) return;
        see([m.data]);
        setTyping((current) => {
          if (!m.data.authorId || !(m.data.authorId in current)) return current;
          const next = { ...current };
          delete next[m.data.authorId];
          return next;
        });
        window.setTimeout(markRead, 300);
      }),
      onLive(CHAT_BROADCASTS.updated, (raw) => {
        const m = messageSchema.safeParse(raw);
        if (!m.success || m.data.conversationId !== id) return;
        replace(m.data);
      }),
      onLive(CHAT_BROADCASTS.typing, (raw) => {
        const e = typingBroadcastSchema.safeParse(raw);
        if (!e.success || e.data.conversationId !== id || e.data.userId === me) return;
        setTyping((current) => {
          const next = { ...current };
          if (e.data.typing) next[e.data.userId] = Date.now() + TYPING_TIMEOUT_MS;
          else delete next[e.data.userId];
          return next;
        });
      }),
      onLive(CHAT_BROADCASTS.read, (raw) => {
        const e = readBroadcastSchema.safeParse(raw);
        if (e.success && e.data.conversationId === id)
          setReads((current) => ({ ...current, [e.data.userId]: Math.max(current[e.data.userId] ?? 0, e.data.messageId) }));
      }),
      onLive(CHAT_BROADCASTS.presence, (raw) => {
        const e = presenceBroadcastSchema.safeParse(raw);
        if (!e.success || !names.has(e.data.userId)) return;
        setOnline((current) => (e.data.online ? [...new Set([...current, e.data.userId])] : current.filter((u) => u !== e.data.userId)));
      }),
      onLive(CHAT_BROADCASTS.membership, (raw) => {
        const e = raw && typeof raw === "object" ? (raw as { conversationId?: unknown; userId?: unknown; change?: unknown }) : {};
        if (e.conversationId === id && e.userId === me && (e.change === "removed" || e.change === "left")) setRemoved(true);
      }),
    ];
    const visible = () => markRead();
    document.addEventListener("visibilitychange", visible);
    const sweep = window.setInterval(
      () =>
        setTyping((current) => {
          const now = Date.now();
          const kept = Object.entries(current).filter(([, until]) => until > now);
          return kept.length === Object.keys(current).length ? current : Object.fromEntries(kept);
        }),
      1000,
    );
    return () => {
      for (const off of offs) off();
      document.removeEventListener("visibilitychange", visible);
      window.clearInterval(sweep);
      setActiveConversation(null);
    };
  }, [id, me, member, names, see, replace, markRead]);

  // Keep the newest message in view when one arrives and the reader was at the bottom.
  const atBottom = useRef(true);
  useEffect(() => {
    const el = list.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [messages.length, pending.length]);

  const sendFrom = (form: HTMLFormElement, parentId: number | null, event: FormEvent) => {
    if (!liveOn) return; // the form is posted: the server stores it under its client id
    event.preventDefault();
    const field = form.elements.namedItem("body");
    if (!(field instanceof HTMLTextAreaElement)) return;
    const parsed = messageBodySchema.safeParse(field.value);
    if (!parsed.success) {
      setComposerError(parsed.error.issues[0]?.message ?? "chat.errors.body_required");
      field.focus();
      return;
    }
    setComposerError(null);
    const suffix = parentId ? "thread" : "main";
    // The same pure guard as the server's, before anything leaves the browser: a finding
    // not marked as identifying no one stops the message here, with the finding shown.
    void loadIdentifierGuard().then(
      ({ findIdentifiers, excerptOf }) => {
        const findings: Finding[] = findIdentifiers(parsed.data).map((f) => ({
          field: "body",
          kind: f.kind,
          ...excerptOf(parsed.data, f),
        }));
        const overrides = overridesSchema.safeParse(overridesFromForm(new FormData(form)));
        const covered = overrides.success ? overrides.data.filter((o) => findings.some((f) => sameFinding(o, f))) : [];
        if (findings.some((f) => !covered.some((o) => sameFinding(o, f))) || !overrides.success) {
          setGuard({ composer: suffix, findings });
          if (!overrides.success) setComposerError(overrides.error.issues[0]?.message ?? "identifierGuard.errors.invalid_override");
          document.getElementById(`composer-${suffix}-guard`)?.focus();
          return;
        }
        setGuard(null);
        send(
          { clientId: newClientId(), body: parsed.data, parentId, state: "sending", ...(covered.length ? { overrides: covered } : {}) },
          field,
        );
      },
      () => send({ clientId: newClientId(), body: parsed.data, parentId, state: "sending" }, field),
    );
  };

  const send = (p: Pending, field: HTMLTextAreaElement) => {
    outbox.enqueue(p);
    field.value = "";
    setMentionQuery(null);
    stopTyping();
    atBottom.current = true;
    field.focus();
  };

  const stopTyping = () => {
    clearTimeout(typingStop.current);
    if (lastTypingSent.current) {
      lastTypingSent.current = 0;
      void request(CHAT_EVENTS.typing, { conversationId: id, typing: false }, emptyResultSchema);
    }
  };
  const onInput = (event: FormEvent<HTMLTextAreaElement>) => {
    const value = event.currentTarget.value;
    const caret = event.currentTarget.selectionStart ?? value.length;
    const word = /(^|\s)@([^\s@]{0,30})$/.exec(value.slice(0, caret));
    setMentionQuery(word ? (word[2] ?? "") : null);
    if (!liveOn) return;
    const now = Date.now();
    if (now - lastTypingSent.current > TYPING_SEND_EVERY_MS) {
      lastTypingSent.current = now;
      void request(CHAT_EVENTS.typing, { conversationId: id, typing: true }, emptyResultSchema);
    }
    clearTimeout(typingStop.current);
    typingStop.current = setTimeout(stopTyping, TYPING_TIMEOUT_MS);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends; Shift+Enter starts a new line.
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      event.currentTarget.form?.requestSubmit();
    }
  };
  const insertMention = (name: string) => {
    const field = composer.current;
    if (!field) return;
    const caret = field.selectionStart ?? field.value.length;
    const before = field.value.slice(0, caret).replace(/@([^\s@]{0,30})$/, `@${name} `);
    field.value = before + field.value.slice(caret);
    field.focus();
    field.setSelectionRange(before.length, before.length);
    setMentionQuery(null);
  };

  const actions = {
    onStartEdit: liveOn ? (m: ChatMessage) => setEditing(m.id) : undefined,
    onCancelEdit: liveOn ? () => setEditing(null) : undefined,
    onEdit: (event: FormEvent<HTMLFormElement>, m: ChatMessage) => {
      if (!liveOn) return;
      event.preventDefault();
      const field = event.currentTarget.elements.namedItem("body");
      const parsed = messageBodySchema.safeParse(field instanceof HTMLTextAreaElement ? field.value : "");
      if (!parsed.success) return;
      const form = event.currentTarget;
      void request(CHAT_EVENTS.edit, { messageId: m.id, body: parsed.data }, messageResultSchema).then((ack) => {
        // Refused by the identifier guard: the form goes to the server, whose page lists
        // the findings with a box to mark each (as without JavaScript).
        if (!ack.ok && ack.error === "identifiers") form.submit();
        if (ack.ok) {
          see([ack.message]);
          replace(ack.message);
          setEditing(null);
          if (data.editing) navigate(".", { replace: true });
        }
      });
    },
    onDelete: (event: FormEvent<HTMLFormElement>, m: ChatMessage) => {
      if (!window.confirm(t("chat.message.confirmDelete"))) {
        event.preventDefault();
        return;
      }
      if (!liveOn) return;
      event.preventDefault();
      void request(CHAT_EVENTS.delete, { messageId: m.id }, messageResultSchema).then((ack) => {
        if (ack.ok) replace(ack.message);
      });
    },
    onReact: (event: FormEvent<HTMLFormElement>, m: ChatMessage, emoji: string, on: boolean) => {
      if (!liveOn) return;
      event.preventDefault();
      void request(CHAT_EVENTS.react, { messageId: m.id, emoji, on }, messageResultSchema).then((ack) => {
        if (ack.ok) replace(ack.message);
      });
    },
  };

  const loadEarlier = async (event: MouseEvent<HTMLAnchorElement>) => {
    if (!liveOn) return;
    event.preventDefault();
    const first = messages[0]?.id;
    const ack = await request(CHAT_EVENTS.history, { conversationId: id, before: first }, historyResultSchema);
    if (!ack.ok) return;
    atBottom.current = false;
    prepend(ack.messages, ack.hasMore);
    document.getElementById(`message-${first}`)?.focus();
  };

  // Read receipts: each other member appears under the last message their position reached.
  const receipts = useMemo(() => {
    const byMessage = new Map<number, string[]>();
    if (!conversation.readReceipts) return byMessage;
    const ids = messages.filter((m) => m.authorId === me).map((m) => m.id);
    for (const [userId, position] of Object.entries(reads)) {
      if (userId === me) continue;
      const reached = ids.filter((mid) => mid <= position).at(-1);
      if (reached === undefined) continue;
      const name = names.get(userId);
      if (name) byMessage.set(reached, [...(byMessage.get(reached) ?? []), name]);
    }
    return byMessage;
  }, [conversation.readReceipts, messages, reads, me, names]);

  const typists = Object.keys(typing).flatMap((u) => names.get(u) ?? []);
  const typingText =
    typists.length === 0
      ? ""
      : typists.length === 1
        ? tx("chat.typing.one", { name: typists[0] ?? "" })
        : typists.length === 2
          ? tx("chat.typing.two", { a: typists[0] ?? "", b: typists[1] ?? "" })
          : t("chat.typing.many");
  const onlineOthers = online.filter((u) => u !== me);
  // Embedded, the message actions without JavaScript are the conversation page's.
  const messageFormAction = embedded ? `/chat/${id}` : undefined;
  const base = `/chat/${id}${threadRoot ? `?thread=${threadRoot.id}` : ""}`;
  const firstUnread = messages.find((m) => m.id > (conversation.me?.lastReadMessageId ?? 0) && m.authorId !== me)?.id;
  const mentionCandidates =
    mentionQuery === null
      ? []
      : conversation.members
          .filter((m) => m.id !== me && m.name.toLocaleLowerCase().includes(mentionQuery.toLocaleLowerCase()))
          .slice(0, 6);
  const bodyErrors = action?.intent === "send" ? (action.fieldErrors.body ?? []) : [];
  // Findings answered by the page's server (without JavaScript) or found before sending.
  const findingsFor = (suffix: string): Finding[] =>
    guard
      ? guard.composer === suffix
        ? guard.findings
        : []
      : action?.intent === "send" && suffix === (action.parentId ? "thread" : "main")
        ? (action.findings ?? [])
        : [];
  const editRefusal = action?.intent === "edit" && action.findings?.length && action.messageId ? action : null;
  const sendError = composerError ?? bodyErrors[0] ?? (action?.intent === "send" ? action.formError : null);
  const formError = action && action.intent !== "send" && action.intent !== "report" && !editRefusal ? action.formError : null;
  const reportError = action?.intent === "report" ? (action.fieldErrors.reason?.[0] ?? action.formError) : null;

  const composerForm = (parentId: number | null, label: string, idSuffix: string) => (
    <Composer
      parentId={parentId}
      label={label}
      idSuffix={idSuffix}
      clientId={data.clientId}
      defaultValue={action?.intent === "send" ? (action.body ?? "") : ""}
      error={sendError}
      findings={findingsFor(idSuffix)}
      foundBeforeSending={guard !== null}
      mentionCandidates={parentId ? [] : mentionCandidates}
      offline={live.status === "offline"}
      fieldRef={parentId ? undefined : composer}
      onSubmit={(form, event) => sendFrom(form, parentId, event)}
      onInput={onInput}
      onKeyDown={onKeyDown}
      onBlur={stopTyping}
      onMention={insertMention}
    />
  );

  const messageItem = (m: ChatMessage, inThread: boolean) => (
    <MessageItem
      key={m.id}
      message={m}
      me={me}
      base={base}
      editing={editing === m.id}
      reporting={data.reporting === m.id}
      reportError={data.reporting === m.id ? reportError : null}
      readBy={receipts.get(m.id) ?? []}
      direct={conversation.kind === "direct"}
      threadHref={!inThread && m.parentId === null ? `/chat/${id}?thread=${m.id}#thread` : null}
      actions={actions}
      formAction={messageFormAction}
    />
  );

  return (
    <div
      className={
        embedded
          ? "chat-conversation chat-conversation--embedded"
          : threadRoot
            ? "chat-conversation chat-conversation--thread"
            : "chat-conversation"
      }
      data-live={live.status}
    >
      <div className="chat-timeline stack stack--s">
        <header className="chat-header">
          {embedded ? (
            <h2 id={embedded.titleId} className="chat-header__title">
              {embedded.title}
            </h2>
          ) : (
            <h1 className="chat-header__title">{conversation.name}</h1>
          )}
          <p className="meta">
            {tx(
              `chat.kinds.${conversation.kind === "channel" ? (conversation.visibility === "verified" ? "channelPublic" : "channelPrivate") : conversation.kind}`,
            )}
            {" · "}
            {tx("chat.header.members", { count: conversation.memberCount })}
            {/* Only people who show their presence are counted: "nobody" is not "offline". */}
            <span role="status">
              {member && liveOn && onlineOthers.length > 0 ? (
                <>
                  {" "}
                  ·{" "}
                  {conversation.kind === "direct" ? t("chat.header.online") : tx("chat.header.onlineCount", { count: onlineOthers.length })}
                </>
              ) : null}
            </span>
          </p>
          {conversation.topic ? <p>{conversation.topic}</p> : null}
          {embedded ? (
            embedded.lead
          ) : member ? (
            <p>
              <Link to={`/chat/${id}/members`}>{conversation.canManage ? t("chat.header.manage") : t("chat.header.details")}</Link>
            </p>
          ) : null}
        </header>

        {removed ? (
          <p className="alert alert--warning" role="alert">
            {t("chat.removedNotice")}
          </p>
        ) : null}
        {formError ? (
          <p className="alert alert--error" role="alert">
            {tx(formError)}
          </p>
        ) : null}
        {editRefusal ? (
          // An edit refused by the identifier guard: the text comes back with the findings to fix or mark.
          <Form method="post" className="alert alert--warning stack stack--s" role="alert" data-testid="chat-edit-guard">
            <h2 className="section-title">{t("chat.guard.pageTitle")}</h2>
            <p>{t("chat.guard.pageLead")}</p>
            <input type="hidden" name="intent" value="edit" />
            <input type="hidden" name="messageId" value={editRefusal.messageId} />
            <div className="field">
              <label className="field__label" htmlFor="edit-guard-body">
                {t("chat.guard.fields.body")}
              </label>
              <textarea
                id="edit-guard-body"
                name="body"
                className="input"
                rows={3}
                maxLength={MESSAGE_MAX_LENGTH}
                defaultValue={editRefusal.body ?? ""}
              />
            </div>
            <GuardFindings
              findings={editRefusal.findings ?? []}
              fieldLabel={() => t("chat.guard.fields.body")}
              idPrefix="edit-guard-override"
            />
            <p className="cluster">
              <button type="submit" className="btn btn--primary">
                {t("chat.guard.retry")}
              </button>
              <Link to={`/chat/${id}#message-${editRefusal.messageId}`}>{t("chat.guard.back")}</Link>
            </p>
          </Form>
        ) : null}

        {!member ? (
          <Form method="post" action={messageFormAction} className="empty-state stack stack--s">
            <p>{t("chat.join.lead")}</p>
            <input type="hidden" name="intent" value="join" />
            <p>
              <button type="submit" className="btn btn--primary">
                {t("chat.join.submit")}
              </button>
            </p>
          </Form>
        ) : (
          <>
            {hasMore && messages[0] ? (
              <p>
                <a href={`/chat/${id}?before=${messages[0].id}`} onClick={loadEarlier} className="btn btn--small">
                  {t("chat.loadEarlier")}
                </a>
              </p>
            ) : null}
            {data.before ? (
              <p>
                <Link to={`/chat/${id}`}>{t("chat.backToLatest")}</Link>
              </p>
            ) : null}
            {messages.length === 0 && pending.length === 0 ? <p className="empty-state">{t("chat.empty")}</p> : null}
            <div
              ref={list}
              className="chat-messages"
              role="log"
              aria-label={tx("chat.messagesOf", { name: conversation.name })}
              tabIndex={0}
              onScroll={(e) => {
                const el = e.currentTarget;
                atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
              }}
            >
              <ol className="chat-messages__list">
                {messages.map((m) => (
                  <FragmentWithDivider key={m.id} divider={m.id === firstUnread} label={t("chat.newMessages")}>
                    {messageItem(m, false)}
                  </FragmentWithDivider>
                ))}
                {pending
                  .filter((p) => p.parentId === null)
                  .map((p) => (
                    <PendingItem
                      key={p.clientId}
                      pending={p}
                      onRetry={() => void deliver(p)}
                      onDiscard={() => outbox.discard(p.clientId)}
                    />
                  ))}
              </ol>
            </div>
            <p className="chat-typing meta" aria-live="polite">
              {typingText}
            </p>
            {conversation.me && messages.some((m) => m.id > myRead.current && m.authorId !== me) && !liveOn ? (
              <Form method="post" action={messageFormAction}>
                <input type="hidden" name="intent" value="read" />
                <input type="hidden" name="messageId" value={messages.at(-1)?.id ?? 0} />
                <button type="submit" className="btn btn--small">
                  {t("chat.markRead")}
                </button>
              </Form>
            ) : null}
            {removed ? null : composerForm(null, tx("chat.composer.label", { name: conversation.name }), "main")}
          </>
        )}
      </div>

      {member && root ? (
        <aside id="thread" className="chat-thread stack stack--s" aria-labelledby="thread-title" tabIndex={-1}>
          <h2 id="thread-title" className="section-title">
            {t("chat.thread.title")}
          </h2>
          <p>
            <Link to={`/chat/${id}#message-${root.id}`}>{t("chat.thread.close")}</Link>
          </p>
          <div className="chat-messages chat-messages--thread" role="log" aria-label={t("chat.thread.title")} tabIndex={0}>
            <ol className="chat-messages__list">
              {messageItem(root, true)}
              {threadReplies.map((m) => messageItem(m, true))}
              {pending
                .filter((p) => p.parentId === root.id)
                .map((p) => (
                  <PendingItem key={p.clientId} pending={p} onRetry={() => void deliver(p)} onDiscard={() => outbox.discard(p.clientId)} />
                ))}
            </ol>
          </div>
          {removed || root.state !== "active" ? null : composerForm(root.id, t("chat.thread.replyLabel"), "thread")}
        </aside>
      ) : null}
    </div>
  );
}

function FragmentWithDivider({ divider, label, children }: { divider: boolean; label: string; children: ReactNode }) {
  return (
    <>
      {divider ? (
        <li className="chat-divider">
          <span>{label}</span>
        </li>
      ) : null}
      {children}
    </>
  );
}

function PendingItem({ pending, onRetry, onDiscard }: { pending: Pending; onRetry(): void; onDiscard(): void }) {
  const { t, tx } = useI18n();
  return (
    <li className="chat-message chat-message--mine chat-message--pending">
      <p className="chat-message__meta">
        <span className="chat-message__author">{t("chat.message.you")}</span>
        {" · "}
        <span role="status">
          {pending.state === "failed"
            ? t("chat.pending.failed")
            : pending.state === "waiting"
              ? t("chat.pending.waiting")
              : t("chat.pending.sending")}
        </span>
      </p>
      <p className="chat-message__body">{pending.body}</p>
      {pending.state === "failed" ? (
        <div className="cluster">
          {pending.error ? <p className="field__error">{tx(`chat.errors.${pending.error}`)}</p> : null}
          <button type="button" className="btn btn--small" onClick={onRetry}>
            {t("chat.pending.retry")}
          </button>
          <button type="button" className="btn btn--small btn--link" onClick={onDiscard}>
            {t("chat.pending.discard")}
          </button>
        </div>
      ) : null}
    </li>
  );
}
