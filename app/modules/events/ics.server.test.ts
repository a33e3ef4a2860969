// The ICS the events module writes, read back by a real iCalendar parser (ical.js):
// an event on Sunday 1 November 2026, the day Toronto leaves daylight time at 02:00.
import ICAL from "ical.js";
import { describe, expect, test } from "vitest";
import { buildIcs } from "./ics.server";

const toronto = (d: Date) =>
  new Intl.DateTimeFormat("en-CA", { timeZone: "America/Toronto", dateStyle: "short", timeStyle: "short", hourCycle: "h23" }).format(d);

function parse(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  return { method: cal.getFirstPropertyValue("method"), events: cal.getAllSubcomponents("vevent").map((c) => new ICAL.Event(c)) };
}

describe("buildIcs", () => {
  test("events on both sides of the November change keep their Toronto wall-clock time", () => {
    // 01:00 EDT (05:00 UTC) happens before the change; 10:00 EST (15:00 UTC) after it.
    const text = buildIcs(
      [
        {
          id: "a",
          title: "Avant le changement d'heure",
          startsAt: new Date("2026-11-01T05:00:00Z"),
          durationMinutes: 120,
          status: "scheduled",
          sequence: 0,
          url: "https://passerelle.example/events/a",
        },
        {
          id: "b",
          title: "Webinaire, dimanche",
          startsAt: new Date("2026-11-01T15:00:00Z"),
          durationMinutes: 90,
          status: "scheduled",
          sequence: 3,
          url: "https://passerelle.example/events/b",
        },
      ],
      { publicUrl: "https://passerelle.example", method: "PUBLISH" },
    );
    const { method, events } = parse(text);
    expect(method).toBe("PUBLISH");
    const [before, after] = events;
    expect(before?.summary).toBe("Avant le changement d'heure");
    expect(toronto(before?.startDate.toJSDate() ?? new Date())).toBe("2026-11-01, 01:00");
    // Two hours later on the clock is only 02:00 EST: the hour 01:00–02:00 happens twice.
    expect(toronto(before?.endDate.toJSDate() ?? new Date())).toBe("2026-11-01, 02:00");
    expect(toronto(after?.startDate.toJSDate() ?? new Date())).toBe("2026-11-01, 10:00");
    expect(toronto(after?.endDate.toJSDate() ?? new Date())).toBe("2026-11-01, 11:30");
    expect(after?.uid).toBe("event-b@passerelle.example");
    expect(after?.sequence).toBe(3);
  });

  test("a cancellation is METHOD:CANCEL with STATUS:CANCELLED; an empty feed is still a calendar", () => {
    const text = buildIcs(
      [
        {
          id: "c",
          title: "Annulé",
          startsAt: new Date("2027-01-10T18:00:00Z"),
          durationMinutes: 60,
          status: "cancelled",
          sequence: 1,
          url: "https://passerelle.example/events/c",
        },
      ],
      { publicUrl: "https://passerelle.example", method: "CANCEL" },
    );
    const { method, events } = parse(text);
    expect(method).toBe("CANCEL");
    expect(events[0]?.component.getFirstPropertyValue("status")).toBe("CANCELLED");
    expect(parse(buildIcs([], { publicUrl: "https://passerelle.example", method: "PUBLISH" })).events).toEqual([]);
  });
});
