// The unread count of the header and of the conversation list (its own module: the
// header is on every page and must not pull the conversation list with it).
import { UNREAD_COUNT_CAP } from "../limits";

export function UnreadBadge({ count, label }: { count: number; label: string }) {
  if (count <= 0) return null;
  return (
    <span className="chat-badge">
      <span aria-hidden="true">{count > UNREAD_COUNT_CAP ? `${UNREAD_COUNT_CAP}+` : count}</span>
      <span className="visually-hidden">{label}</span>
    </span>
  );
}
