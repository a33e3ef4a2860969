import type { MetaFunction } from "@remix-run/node";
import { TERMS_VERSION } from "~/modules/accounts/consent";
import { NoticePage } from "~/modules/accounts/components/notice-page";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "terms.title");

export default function Terms() {
  return <NoticePage notice="terms" version={TERMS_VERSION} sections={["purpose", "respect", "patients", "verification", "moderation"]} />;
}
