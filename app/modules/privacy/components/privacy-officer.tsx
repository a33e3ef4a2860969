import type { PrivacyOfficer } from "~/utils/env.server";
import { useI18n } from "~/utils/i18n";

/** The person in charge of the protection of personal information: who, in what role, how to write to them. */
export function PrivacyOfficerCard({ officer, headingLevel = 2 }: { officer: PrivacyOfficer; headingLevel?: 2 | 3 }) {
  const { t } = useI18n();
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const title = officer.title ?? t("myPrivacy.officer.defaultTitle");
  return (
    <section className="stack stack--s" aria-labelledby="privacy-officer-title">
      <Heading id="privacy-officer-title" className="section-title">
        {t("myPrivacy.officer.heading")}
      </Heading>
      <p>{t("myPrivacy.officer.lead")}</p>
      <address className="stack stack--s">
        <p>
          {officer.name ? (
            <>
              <strong>{officer.name}</strong>, {title}
            </>
          ) : (
            <strong>{title}</strong>
          )}
        </p>
        <p>
          <a href={`mailto:${officer.email}`}>{officer.email}</a>
        </p>
      </address>
    </section>
  );
}
