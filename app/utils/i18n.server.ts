// Every dictionary of both languages lives on the server (emails, page titles,
// server-rendered text); the browser receives only what a page needs (i18n.tsx,
// i18n-sections.ts, decision 003).
import { hash } from "node:crypto";
import type { InlineMessages } from "./inline-messages";
import enAttestations from "~/locales/en-CA/attestations.json";
import enCases from "~/locales/en-CA/cases.json";
import enChat from "~/locales/en-CA/chat.json";
import enCommon from "~/locales/en-CA/common.json";
import enEvents from "~/locales/en-CA/events.json";
import enEventsLive from "~/locales/en-CA/eventsLive.json";
import enForums from "~/locales/en-CA/forums.json";
import enMentoring from "~/locales/en-CA/mentoring.json";
import enMyPrivacy from "~/locales/en-CA/myPrivacy.json";
import enSite from "~/locales/en-CA/site.json";
import enTools from "~/locales/en-CA/tools.json";
import enVideo from "~/locales/en-CA/video.json";
import frAttestations from "~/locales/fr-CA/attestations.json";
import frCases from "~/locales/fr-CA/cases.json";
import frChat from "~/locales/fr-CA/chat.json";
import frCommon from "~/locales/fr-CA/common.json";
import frEvents from "~/locales/fr-CA/events.json";
import frEventsLive from "~/locales/fr-CA/eventsLive.json";
import frForums from "~/locales/fr-CA/forums.json";
import frMentoring from "~/locales/fr-CA/mentoring.json";
import frMyPrivacy from "~/locales/fr-CA/myPrivacy.json";
import frSite from "~/locales/fr-CA/site.json";
import frTools from "~/locales/fr-CA/tools.json";
import frVideo from "~/locales/fr-CA/video.json";
import { formatMessage, LOCALES, NAMESPACES, type Dictionary, type Locale, type MessageKey, type Messages, type Vars } from "./i18n";
import { messageSelection, sectionPaths } from "./i18n-sections";

const fr: Messages = {
  ...frCommon,
  attestations: frAttestations,
  cases: frCases,
  chat: frChat,
  events: frEvents,
  eventsLive: frEventsLive,
  forums: frForums,
  mentoring: frMentoring,
  myPrivacy: frMyPrivacy,
  site: frSite,
  tools: frTools,
  video: frVideo,
};
// Compile-time completeness: en-CA must have every key fr-CA has.
const en: Messages = {
  ...enCommon,
  attestations: enAttestations,
  cases: enCases,
  chat: enChat,
  events: enEvents,
  eventsLive: enEventsLive,
  forums: enForums,
  mentoring: enMentoring,
  myPrivacy: enMyPrivacy,
  site: enSite,
  tools: enTools,
  video: enVideo,
};
export const MESSAGES: Record<Locale, Messages> = { "fr-CA": fr, "en-CA": en };

/** Translates a key with the whole dictionary of a language (server only). */
export function translate(locale: Locale, key: MessageKey | string, vars?: Vars): string {
  return formatMessage(MESSAGES[locale], locale, key, vars);
}

/** Copies the leaves under `path` (a key, its plural forms, or a group) into `into`. */
function pick(from: Dictionary, into: Record<string, unknown>, path: string) {
  const parts = path.split(".");
  const last = parts.pop() ?? "";
  let source: Dictionary | string | undefined = from;
  let target = into;
  for (const part of parts) {
    source = typeof source === "object" && Object.hasOwn(source, part) ? source[part] : undefined;
    if (typeof source !== "object") return;
    const next = target[part];
    target = (target[part] = typeof next === "object" && next ? next : {}) as Record<string, unknown>;
  }
  for (const [name, value] of Object.entries(source)) {
    if (name === last || name.startsWith(`${last}_`)) target[name] = value;
  }
}

const cache = new Map<string, Dictionary>();

/** The messages a page at `pathname` needs, in one language: common, its section's namespaces, picked keys. */
export function messagesFor(locale: Locale, pathname: string): Dictionary {
  const selection = messageSelection(pathname);
  const cacheKey = `${locale} ${selection.namespaces.join(",")} ${selection.picks.join(",")}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const all: Messages = MESSAGES[locale];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) {
    if (!(NAMESPACES as readonly string[]).includes(key)) out[key] = value;
  }
  for (const path of selection.picks) pick(all, out, path);
  for (const namespace of selection.namespaces) out[namespace] = all[namespace];
  const dictionary = out as Dictionary;
  cache.set(cacheKey, dictionary);
  return dictionary;
}

const inlineCache = new Map<Dictionary, InlineMessages>();
// Files by name (`<locale>.<version>.json`), as pages have named them.
const files = new Map<string, Buffer<ArrayBuffer>>();

/** The same messages with the address of their file, made once per language and section (a whole page names them). */
export function inlineMessagesFor(locale: Locale, pathname: string): InlineMessages {
  const dictionary = messagesFor(locale, pathname);
  let inline = inlineCache.get(dictionary);
  if (!inline) {
    const json = Buffer.from(JSON.stringify(dictionary));
    // The content's digest names the version: other words (another build) make another address.
    const name = `${locale}.${hash("sha256", json, "base64url").slice(0, 22)}.json`;
    files.set(name, json);
    inline = { dictionary, url: `/i18n/${name}` };
    inlineCache.set(dictionary, inline);
  }
  return inline;
}

/**
 * The messages file of that name (`<locale>.<version>.json`), or null: a name this build never
 * makes (a page of an older build asks for words that are gone, as its scripts are).
 */
export function messagesFile(name: string): Buffer<ArrayBuffer> | null {
  const known = files.get(name);
  if (known) return known;
  // After a restart, a page served by the previous process may ask before this one made it.
  for (const locale of LOCALES)
    if (name.startsWith(`${locale}.`)) for (const pathname of sectionPaths()) inlineMessagesFor(locale, pathname);
  return files.get(name) ?? null;
}
