import type { Locale } from "~/utils/i18n";
import { translate } from "~/utils/i18n.server";

export function resetPasswordEmail(locale: Locale, link: string) {
  return {
    subject: translate(locale, "email.reset.subject"),
    text: translate(locale, "email.reset.body", { link }),
  };
}
