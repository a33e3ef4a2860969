// A message's text as React elements: plain text, http(s)/mailto links, and the
// mentions it carries. Never HTML: the text is only ever a string child.
import { Fragment, useMemo } from "react";
import type { ChatMessage } from "../schemas";
import { segmentMessage } from "../text";

export function MessageText({ message }: { message: Pick<ChatMessage, "body" | "mentions"> }) {
  const segments = useMemo(() => segmentMessage(message.body, message.mentions), [message.body, message.mentions]);
  return (
    <p className="chat-message__body">
      {segments.map((segment, i) =>
        segment.kind === "link" ? (
          <a key={i} href={segment.href} rel="noopener noreferrer nofollow ugc">
            {segment.text}
          </a>
        ) : segment.kind === "mention" ? (
          <span key={i} className="chat-mention">
            {segment.text}
          </span>
        ) : (
          <Fragment key={i}>{segment.text}</Fragment>
        ),
      )}
    </p>
  );
}
