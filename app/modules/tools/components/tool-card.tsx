import { Link } from "@remix-run/react";
import { useI18n } from "~/utils/i18n";
import { documentLang, useToolLabels } from "./labels";

export interface ToolCardData {
  id: string;
  title: string;
  publisher: string | null;
  published_on: string | null;
  kind: string;
  topics: string[];
  language: string;
  summary_fr: string;
  summary_en: string;
  version_label: string | null;
  superseded_by: string | null;
  review_due_on: string | null;
  url: string | null;
  has_file: boolean;
  bookmarks: number;
}

/** One result of the library: title, meta line, state badges, summary, topics. */
export function ToolCard({ tool, today }: { tool: ToolCardData; today: string }) {
  const { t, tx, locale } = useI18n();
  const labels = useToolLabels();
  const pastDue = Boolean(tool.review_due_on && tool.review_due_on < today);
  const summary =
    locale === "en-CA" && tool.summary_en ? { text: tool.summary_en, lang: "en-CA" } : { text: tool.summary_fr, lang: "fr-CA" };
  const meta = [labels.kind(tool.kind), labels.publisher(tool.publisher), labels.published(tool.published_on), tool.version_label]
    .filter(Boolean)
    .join(" · ");
  return (
    <li className="card tool-card">
      <h3 className="card__title">
        <Link to={`/tools/${tool.id}`} lang={documentLang(tool.language)}>
          {tool.title}
        </Link>
      </h3>
      <p className="card__meta">{meta}</p>
      {tool.superseded_by || pastDue ? (
        <p className="cluster">
          {tool.superseded_by ? <span className="badge badge--unverified">{t("tools.card.superseded")}</span> : null}
          {pastDue ? <span className="badge badge--unverified">{t("tools.card.pastDue")}</span> : null}
        </p>
      ) : null}
      {summary.text ? (
        <p className="tool-card__summary" lang={summary.lang}>
          {summary.text}
        </p>
      ) : null}
      {tool.topics.length ? (
        <ul className="tag-list" aria-label={t("tools.item.topics")}>
          {tool.topics.map((c) => (
            <li key={c} className="tag">
              {labels.topic(c)}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="meta">
        {[
          tool.has_file ? t("tools.card.file") : null,
          tool.url ? t("tools.card.link") : null,
          tool.bookmarks ? tx("tools.card.bookmarks", { count: tool.bookmarks }) : null,
        ]
          .filter(Boolean)
          .join(" · ")}
      </p>
    </li>
  );
}
