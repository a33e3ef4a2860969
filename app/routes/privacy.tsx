import type { MetaFunction } from "@remix-run/node";
import { PRIVACY_VERSION } from "~/modules/accounts/consent";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "privacy.title");

export default function Privacy() {
  const { t } = useI18n();
  const sections = ["collect", "why", "who", "where", "rights", "contact"] as const;
  return (
    <div className="container container--narrow stack">
      <header className="page-header">
        <h1>{t("privacy.title")}</h1>
        <p className="meta">{t("privacy.version", { version: PRIVACY_VERSION })}</p>
      </header>
      {sections.map((s) => (
        <section key={s} className="stack stack--s">
          <h2 className="section-title">{t(`privacy.${s}.title`)}</h2>
          <p>{t(`privacy.${s}.body`)}</p>
        </section>
      ))}
    </div>
  );
}
