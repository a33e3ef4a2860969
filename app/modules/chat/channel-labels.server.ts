// Regional channels are created by a migration with French text (the region's name
// as title, a French description as topic). A reader in English must see the region's
// English name and an English description, from the one source of region labels; a
// title or topic a moderator has since changed is shown as they wrote it.
import type { Locale } from "~/utils/i18n";
import { translate } from "~/utils/i18n.server";
import { regionLabel } from "~/utils/reference-labels";

interface ChannelText {
  name: string;
  topic: string | null;
  regionCode: string | null;
}

/** The description a regional channel gets, in `locale` (fr-CA is the text the migration stored). */
export function regionalChannelTopic(code: string, locale: Locale): string {
  return translate(locale, "chat.channels.regionTopic", { code, region: regionLabel(code, locale) });
}

/** A conversation's name and topic in the reader's language when they are a regional channel's defaults. */
export function localizeChannel<T extends ChannelText>(conversation: T, locale: Locale): T {
  const code = conversation.regionCode;
  if (!code) return conversation;
  const defaultName = conversation.name === regionLabel(code, "fr-CA");
  const defaultTopic = conversation.topic === regionalChannelTopic(code, "fr-CA");
  if (!defaultName && !defaultTopic) return conversation;
  return {
    ...conversation,
    name: defaultName ? regionLabel(code, locale) : conversation.name,
    topic: defaultTopic ? regionalChannelTopic(code, locale) : conversation.topic,
  };
}
