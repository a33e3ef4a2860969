import { Link } from "@remix-run/react";
import { useI18n } from "~/utils/i18n";

/** Where this page sits: Forums › category › …; the last item is the current page. */
export function Breadcrumbs({ items }: { items: Array<{ label: string; to?: string }> }) {
  const { t } = useI18n();
  return (
    <nav className="breadcrumbs" aria-label={t("forums.breadcrumb")}>
      <ol>
        {items.map((item, i) => (
          <li key={`${i}-${item.label}`}>
            {item.to && i < items.length - 1 ? <Link to={item.to}>{item.label}</Link> : <span aria-current={i === items.length - 1 ? "page" : undefined}>{item.label}</span>}
          </li>
        ))}
      </ol>
    </nav>
  );
}
