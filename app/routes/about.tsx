import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ContactEmail, SitePage, SiteSection } from "~/components/site-page";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "site.about.title");

export function loader({ context }: LoaderFunctionArgs) {
  return json({ contactEmail: context.env.contactEmail });
}

export default function About() {
  const { t } = useI18n();
  const { contactEmail } = useLoaderData<typeof loader>();
  return (
    <SitePage page="about">
      <SiteSection prefix="site.about.why" />
      <SiteSection prefix="site.about.what" items={["forums", "cases", "tools", "chat", "mentoring"]} />
      <SiteSection prefix="site.about.who" />
      <SiteSection prefix="site.about.approach" />
      <SiteSection prefix="site.about.notCare" />
      <section className="stack stack--s" aria-labelledby="about-contact">
        <h2 id="about-contact" className="section-title">
          {t("site.contact.title")}
        </h2>
        <ContactEmail label={t("site.contact.byEmail")} email={contactEmail} />
        <p>
          <Link to="/accessibility">{t("footer.accessibility")}</Link> · <Link to="/privacy">{t("footer.privacy")}</Link>
        </p>
      </section>
    </SitePage>
  );
}
