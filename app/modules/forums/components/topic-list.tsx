// A list of topics by latest activity, with unread markers and counts. Plain links
// and text: readable without JavaScript.
import { Link } from "@remix-run/react";
import { useI18n } from "~/utils/i18n";

export interface TopicListEntry {
  id: number;
  title: string;
  status: string;
  pinned: boolean;
  locked: boolean;
  deleted: boolean;
  accepted: boolean;
  reply_count: number;
  last_posted_at: string;
  author: { display_name: string } | null;
  last_poster: { display_name: string } | null;
  unread: "new" | "updated" | null;
  unread_count: number;
  category?: { slug: string; name_fr: string; name_en: string };
}

export function TopicList({ topics, labelledBy }: { topics: TopicListEntry[]; labelledBy?: string }) {
  const { t, tx, date, label } = useI18n();
  return (
    <ul className="topic-list" aria-labelledby={labelledBy}>
      {topics.map((topic) => (
        <li key={topic.id}>
          <div>
            <p className="topic-list__title">
              <Link to={`/forums/t/${topic.id}`}>{topic.title}</Link>
              <span className="topic-list__badges">
                {topic.unread === "new" ? <span className="badge badge--new">{t("forums.topicList.new")}</span> : null}
                {topic.unread === "updated" ? (
                  <span className="badge badge--new">{tx("forums.topicList.unread", { count: topic.unread_count })}</span>
                ) : null}
                {topic.pinned ? <span className="badge badge--state">{t("forums.topicList.pinned")}</span> : null}
                {topic.locked ? <span className="badge badge--state">{t("forums.topicList.locked")}</span> : null}
                {topic.accepted ? <span className="badge badge--verified">{t("forums.topicList.solved")}</span> : null}
                {topic.status === "pending" ? <span className="badge badge--warning">{t("forums.topicList.pending")}</span> : null}
                {topic.status === "hidden" ? <span className="badge badge--warning">{t("forums.topicList.hidden")}</span> : null}
                {topic.deleted ? <span className="badge badge--warning">{t("forums.topicList.deleted")}</span> : null}
              </span>
            </p>
            <p className="meta">
              {topic.category ? (
                <>
                  <Link to={`/forums/c/${topic.category.slug}`}>{label(topic.category)}</Link> ·{" "}
                </>
              ) : null}
              {t("forums.topicList.by", { name: topic.author?.display_name ?? t("forums.post.formerMember") })}
            </p>
          </div>
          <p className="meta">
            {tx("forums.counts.replies", { count: topic.reply_count })}
            <br />
            {t("forums.topicList.lastBy", {
              name: topic.last_poster?.display_name ?? t("forums.post.formerMember"),
              date: date(topic.last_posted_at, "datetime"),
            })}
          </p>
        </li>
      ))}
    </ul>
  );
}
