import { Link } from "@remix-run/react";
import { labelOf, useI18n, type Locale } from "~/utils/i18n";
import { regionChoiceLabel, regionLabel } from "~/utils/reference-labels";

export interface Crumb {
  label: string;
  to?: string;
}

/** Where this page sits: Forums › category › …; the last item is the current page. */
export function Breadcrumbs({ items }: { items: Crumb[] }) {
  const { t } = useI18n();
  return (
    <nav className="breadcrumbs" aria-label={t("forums.breadcrumb")}>
      <ol>
        {items.map((item, i) => (
          <li key={`${i}-${item.label}`}>
            {item.to && i < items.length - 1 ? (
              <Link to={item.to}>{item.label}</Link>
            ) : (
              <span aria-current={i === items.length - 1 ? "page" : undefined}>{item.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

type Named = { name_fr: string; name_en: string };

/** A space's name: a regional space is its region ("09 – Côte-Nord"), from the one source of region labels. */
export function spaceLabel(locale: Locale, space: Named & { region_code?: string | null }): string {
  return space.region_code ? regionChoiceLabel(space.region_code, locale) : labelOf(locale, space);
}

/** A category's name: a regional space's own category is named after its region, in the page's language. */
export function categoryLabel(locale: Locale, category: Named, space: { region_code?: string | null }): string {
  const region = space.region_code;
  if (region && (category.name_fr === regionLabel(region, "fr-CA") || category.name_en === regionLabel(region, "en-CA")))
    return regionLabel(region, locale);
  return labelOf(locale, category);
}

/**
 * Forums › space › category: a regional space holds one category named after the
 * region, so the trail names the region once (the category, linked) instead of
 * "09 – Côte-Nord › Côte-Nord".
 */
export function forumTrail(
  locale: Locale,
  forumsLabel: string,
  space: Named & { region_code?: string | null },
  category: Named & { slug: string },
  options: { linkCategory: boolean },
): Crumb[] {
  const categoryName = categoryLabel(locale, category, space);
  const own = space.region_code ? regionLabel(space.region_code, locale) === categoryName : false;
  const categoryCrumb: Crumb = { label: categoryName, to: options.linkCategory ? `/forums/c/${category.slug}` : undefined };
  return [{ label: forumsLabel, to: "/forums" }, ...(own ? [] : [{ label: spaceLabel(locale, space) }]), categoryCrumb];
}
