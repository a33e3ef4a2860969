import { translate, type Locale } from "~/utils/i18n";

export function resetPasswordEmail(locale: Locale, link: string) {
  return {
    subject: translate(locale, "email.reset.subject"),
    text: translate(locale, "email.reset.body", { link }),
  };
}
