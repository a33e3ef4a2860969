import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ContactEmail, SitePage, SiteSection } from "~/components/site-page";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "site.contact.title");

// The address is the deployment's (CONTACT_EMAIL, else MAIL_FROM): an install run by
// another organisation shows its own team, not ours.
export function loader({ context }: LoaderFunctionArgs) {
  return json({ contactEmail: context.env.contactEmail });
}

export default function Contact() {
  const { t } = useI18n();
  const { contactEmail } = useLoaderData<typeof loader>();
  return (
    <SitePage page="contact">
      <section className="card stack stack--s" aria-label={t("site.contact.byEmail")}>
        <ContactEmail label={t("site.contact.byEmail")} email={contactEmail} />
        <p className="meta">{t("site.contact.delay")}</p>
      </section>
      <SiteSection prefix="site.contact.topics" items={["account", "content", "privacy", "accessibility"]} />
      <SiteSection prefix="site.contact.noPatientData" />
      <SiteSection prefix="site.contact.urgent" />
    </SitePage>
  );
}
