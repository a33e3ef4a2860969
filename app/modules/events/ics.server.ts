// iCalendar for events, written by the `ics` library (never by hand). Times are
// written as UTC instants: the event is stored as an instant, so a calendar in any
// zone shows the right local time on both sides of a daylight-saving change without
// us shipping a VTIMEZONE. The UID is the event's id (stable across changes) and
// SEQUENCE is the event's ics_sequence, which the database raises on every change a
// calendar must see (time, duration, title, cancellation).
import { createEvents, type EventAttributes } from "ics";

export interface IcsEvent {
  id: string;
  title: string;
  startsAt: Date;
  durationMinutes: number;
  status: "scheduled" | "cancelled";
  sequence: number;
  url: string;
  description?: string;
}

export const icsUid = (eventId: string, domain: string) => `event-${eventId}@${domain}`;

export function buildIcs(
  events: IcsEvent[],
  options: { publicUrl: string; method: "PUBLISH" | "REQUEST" | "CANCEL"; calName?: string },
): string {
  const domain = new URL(options.publicUrl).hostname || "passerelle.invalid";
  const attributes: EventAttributes[] = events.map((e) => ({
    uid: icsUid(e.id, domain),
    sequence: e.sequence,
    title: e.title,
    start: e.startsAt.getTime(),
    startInputType: "utc",
    startOutputType: "utc",
    duration: { minutes: e.durationMinutes },
    url: e.url,
    description: e.description ? `${e.description}\n${e.url}` : e.url,
    status: e.status === "cancelled" ? "CANCELLED" : "CONFIRMED",
    productId: "passerelle/events",
  }));
  if (attributes.length === 0) {
    // The library refuses an empty list; an empty feed is still a valid calendar.
    return ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:passerelle/events", `METHOD:${options.method}`, "END:VCALENDAR", ""].join("\r\n");
  }
  const { error, value } = createEvents(attributes, { productId: "passerelle/events", method: options.method, calName: options.calName });
  if (error || !value) throw error ?? new Error("ics: no output");
  return value;
}
