// Which messages a page needs, by section of the site (the first segment of the path).
// The root loader sends common.json, the namespaces of the page's section and a few
// picked keys (the header's, on every page) in the active language only; the root's
// shouldRevalidate reloads them when a client-side navigation changes section.
// app/utils/i18n.test.ts checks that every route's literal keys (and those of the
// components it imports) are covered, so a new route or key cannot go missing silently.
import type { Namespace } from "./i18n";

export interface MessageSelection {
  namespaces: readonly Namespace[];
  /** Keys or groups (a prefix of dotted keys, plural forms included) picked from other namespaces. */
  picks: readonly string[];
}

/** Keys of other namespaces the header and footer show on every page. */
export const SHELL_PICKS = [
  "forums.nav",
  "forums.search.placeholder",
  "forums.search.submit",
  "tools.nav",
  "cases.nav",
  "events.nav",
  "mentoring.nav",
  "chat.nav",
  "chat.unread",
  "chat.notificationCentre.title",
  "chat.notificationCentre.unread",
] as const;

const SECTIONS: Record<string, MessageSelection> = {
  forums: { namespaces: ["forums"], picks: [] },
  // Search lists forum posts, tools and (for those who may read them) cases side by side.
  search: { namespaces: ["forums", "tools"], picks: ["cases.search", "cases.statuses", "cases.careSettings"] },
  // Cases are written in the rich-text editor, whose messages are in forums.json.
  cases: { namespaces: ["cases", "forums"], picks: [] },
  chat: { namespaces: ["chat"], picks: [] },
  // Event descriptions are rich text (editor messages in forums.json); the live room shows the video and the CPD attestation.
  // tools.errors: the slides' upload is checked like the library's (its file messages).
  // chat: the live room shows the event's chat conversation beside the video.
  events: { namespaces: ["events", "eventsLive", "forums", "video", "attestations", "chat"], picks: ["tools.errors"] },
  // Mentoring pages show the video room of a session.
  mentoring: { namespaces: ["mentoring", "video"], picks: [] },
  attestations: { namespaces: ["attestations"], picks: [] },
  // The profile's privacy page (settings, consents, export, deletion).
  profile: { namespaces: ["myPrivacy"], picks: [] },
  // Accepting a new version of the notices, asked before anything else.
  consent: { namespaces: ["myPrivacy"], picks: [] },
  // The privacy notice names the person in charge of personal information.
  privacy: { namespaces: [], picks: ["myPrivacy.officer"] },
  // The notification centre lists every capability's notifications.
  notifications: {
    namespaces: ["chat"],
    picks: [
      "cases.notificationKinds",
      "events.notificationKinds",
      "forums.notificationKinds",
      "mentoring.notificationKinds",
      "tools.notificationKinds",
    ],
  },
  tools: { namespaces: ["tools"], picks: [] },
  // The pages about the site itself (linked from the footer).
  about: { namespaces: ["site"], picks: [] },
  contact: { namespaces: ["site"], picks: [] },
  accessibility: { namespaces: ["site"], picks: [] },
};
const NONE: MessageSelection = { namespaces: [], picks: [] };

/** A page of each section, and one of the pages that share the common messages only. */
export function sectionPaths(): string[] {
  return ["/", ...Object.keys(SECTIONS).map((section) => `/${section}`)];
}

export function sectionOf(pathname: string): string {
  return pathname.split("/")[1] ?? "";
}

export function messageSelection(pathname: string): MessageSelection {
  const section = SECTIONS[sectionOf(pathname)] ?? NONE;
  return { namespaces: section.namespaces, picks: [...SHELL_PICKS, ...section.picks] };
}
