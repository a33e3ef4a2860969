import type { MetaFunction } from "@remix-run/node";
import { TERMS_VERSION } from "~/modules/accounts/consent";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "terms.title");

export default function Terms() {
  const { t } = useI18n();
  const sections = ["purpose", "respect", "patients", "verification", "moderation"] as const;
  return (
    <div className="container container--narrow stack">
      <header className="page-header">
        <h1>{t("terms.title")}</h1>
        <p className="meta">{t("terms.version", { version: TERMS_VERSION })}</p>
      </header>
      {sections.map((s) => (
        <section key={s} className="stack stack--s">
          <h2 className="section-title">{t(`terms.${s}.title`)}</h2>
          <p>{t(`terms.${s}.body`)}</p>
        </section>
      ))}
    </div>
  );
}
