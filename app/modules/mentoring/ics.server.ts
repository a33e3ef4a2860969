// The calendar invitation of a mentoring session (the `ics` library). Times are written
// in UTC, which every calendar converts to its own zone; the UID is stable per session
// and SEQUENCE grows when it changes, so a calendar updates instead of duplicating it;
// a cancelled session is sent with METHOD:CANCEL and STATUS:CANCELLED under the same UID.
import { createEvent } from "ics";

export function sessionInvitation(input: {
  sessionId: string;
  sequence: number;
  startsAt: Date;
  endsAt: Date;
  title: string;
  description: string;
  url: string;
  organizer: { name: string; email: string };
  attendees: Array<{ name: string; email: string }>;
  host: string;
  method?: "REQUEST" | "CANCEL";
}): string {
  const cancel = input.method === "CANCEL";
  const parts = (d: Date) =>
    [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()] as [
      number,
      number,
      number,
      number,
      number,
    ];
  const { error, value } = createEvent({
    uid: `mentoring-session-${input.sessionId}@${input.host}`,
    sequence: input.sequence,
    method: cancel ? "CANCEL" : "REQUEST",
    productId: "passerelle/mentoring",
    start: parts(input.startsAt),
    startInputType: "utc",
    startOutputType: "utc",
    end: parts(input.endsAt),
    endInputType: "utc",
    endOutputType: "utc",
    title: input.title,
    description: input.description,
    url: input.url,
    status: cancel ? "CANCELLED" : "CONFIRMED",
    organizer: { name: input.organizer.name, email: input.organizer.email },
    attendees: input.attendees.map((a) => ({
      name: a.name,
      email: a.email,
      rsvp: true,
      partstat: "NEEDS-ACTION",
      role: "REQ-PARTICIPANT",
    })),
  });
  if (error || !value) throw error ?? new Error("ics: no value");
  return value;
}
