import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ContactEmail, SitePage, SiteSection } from "~/components/site-page";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "site.accessibility.title");

export function loader({ context }: LoaderFunctionArgs) {
  return json({ contactEmail: context.env.contactEmail });
}

export default function Accessibility() {
  const { t } = useI18n();
  const { contactEmail } = useLoaderData<typeof loader>();
  return (
    <SitePage page="accessibility">
      <SiteSection prefix="site.accessibility.target" />
      <SiteSection prefix="site.accessibility.measures" items={["noScript", "keyboard", "contrast", "phones", "motion", "tests"]} />
      <SiteSection prefix="site.accessibility.limits" items={["pdf", "editor", "live", "video"]} />
      <SiteSection prefix="site.accessibility.report">
        <ContactEmail label={t("site.accessibility.report.byEmail")} email={contactEmail} />
      </SiteSection>
      <p className="meta">{t("site.accessibility.reviewed")}</p>
    </SitePage>
  );
}
