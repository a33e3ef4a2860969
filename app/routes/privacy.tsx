import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PRIVACY_VERSION } from "~/modules/accounts/consent";
import { NoticePage } from "~/modules/accounts/components/notice-page";
import { PrivacyOfficerCard } from "~/modules/privacy/components/privacy-officer";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "privacy.title");

// The notice names the person in charge of personal information (configured, README).
export const loader = ({ context }: LoaderFunctionArgs) => json({ officer: context.env.privacyOfficer });

export default function Privacy() {
  const { officer } = useLoaderData<typeof loader>();
  return (
    <NoticePage notice="privacy" version={PRIVACY_VERSION} sections={["collect", "why", "who", "where", "rights", "contact"]}>
      <PrivacyOfficerCard officer={officer} />
    </NoticePage>
  );
}
