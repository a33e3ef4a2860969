// Shown on every page to a verified member whose permit lapsed (why she can read but not
// post, and how to renew) or expires within 30 days. Plain link: works without JavaScript.
import { Link } from "@remix-run/react";
import { useI18n } from "~/utils/i18n";

export interface PermitBannerData {
  expiresOn: string;
  lapsed: boolean;
  daysLeft: number;
  renewalExpiresOn: string | null;
  provisional?: boolean;
}

/** Within this many days of expiry the member is reminded on every page. */
const SOON_DAYS = 30;

export function PermitBanner({ permit }: { permit: PermitBannerData | null | undefined }) {
  const { t, tx, date } = useI18n();
  if (!permit || (!permit.lapsed && permit.daysLeft > SOON_DAYS)) return null;
  const expires = date(permit.expiresOn);
  // A provisional date is a deadline to confirm the permit, not the permit's expiry.
  const kind = permit.provisional ? "provisional" : "";
  const waiting = permit.renewalExpiresOn ? tx("permit.banner.waiting", { date: date(permit.renewalExpiresOn) }) : null;
  return (
    <section
      className={`alert ${permit.lapsed ? "alert--warning" : "alert--info"} permit-banner`}
      aria-labelledby="permit-banner-title"
      data-testid="permit-banner"
    >
      <div className="container stack stack--s">
        <h2 id="permit-banner-title" className="permit-banner__title">
          {permit.lapsed
            ? t("permit.banner.lapsedTitle")
            : tx(kind ? "permit.banner.provisionalSoonTitle" : "permit.banner.soonTitle", { count: Math.max(permit.daysLeft, 0) })}
        </h2>
        <p>
          {permit.lapsed
            ? tx(kind ? "permit.banner.provisionalLapsedBody" : "permit.banner.lapsedBody", { date: expires })
            : tx(kind ? "permit.banner.provisionalSoonBody" : "permit.banner.soonBody", { date: expires })}
        </p>
        {waiting ? <p>{waiting}</p> : null}
        {waiting ? null : (
          <p>
            <Link to="/profile/permit">{t("permit.banner.renew")}</Link>
          </p>
        )}
      </div>
    </section>
  );
}
