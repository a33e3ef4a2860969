import type { MetaFunction } from "@remix-run/node";
import { PRIVACY_VERSION } from "~/modules/accounts/consent";
import { NoticePage } from "~/modules/accounts/components/notice-page";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "privacy.title");

export default function Privacy() {
  return <NoticePage notice="privacy" version={PRIVACY_VERSION} sections={["collect", "why", "who", "where", "rights", "contact"]} />;
}
