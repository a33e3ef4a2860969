// Events' part of the privacy contract (decision 016). Registrations, reminders sent, survey answers,
// calendar tokens, live-room questions, upvotes and attendance are the member's and go. Events and series an organiser published are
// the community's programme: they stay, unlinked from the erased organiser.
import { sql } from "kysely";
import type { PrivacyContract } from "~/modules/privacy/contract";
import { exportRows } from "~/modules/privacy/rows.server";

export const eventsPrivacy: PrivacyContract = {
  module: "events",
  covers: {
    events: ["created_by"],
    event_series: ["created_by"],
    event_registrations: ["user_id"],
    event_reminders_sent: ["user_id"],
    calendar_tokens: ["user_id"],
    event_questions: ["author_id", "answered_by"],
    event_question_votes: ["user_id"],
    event_attendance: ["user_id"],
    event_attendance_adjustments: ["user_id", "adjusted_by"],
    event_feedback: ["user_id"],
    event_followups: ["updated_by"],
    event_resources: ["added_by"],
    event_speakers: ["profile_id"],
    event_slides: ["added_by"],
  },
  async exportFor(tx, memberId) {
    return {
      registrations: await exportRows(tx, "event_registrations", "user_id", memberId),
      questionsAsked: await exportRows(tx, "event_questions", "author_id", memberId),
      questionUpvotes: await exportRows(tx, "event_question_votes", "user_id", memberId),
      attendance: await exportRows(tx, "event_attendance", "user_id", memberId),
      attendanceAdjustments: await exportRows(tx, "event_attendance_adjustments", "user_id", memberId),
      // The token's hash is a secret's fingerprint, not the member's data.
      calendarFeeds: await exportRows(tx, "calendar_tokens", "user_id", memberId, ["token_hash"]),
      eventsOrganised: await exportRows(tx, "events", "created_by", memberId, ["search_vector"]),
      seriesOrganised: await exportRows(tx, "event_series", "created_by", memberId),
      surveyAnswers: await exportRows(tx, "event_feedback", "user_id", memberId),
      speakerAt: await exportRows(tx, "event_speakers", "profile_id", memberId),
    };
  },
  async eraseFor(tx, subject) {
    const id = subject.memberId;
    await sql`delete from public.event_reminders_sent where user_id = ${id}::uuid`.execute(tx);
    await sql`delete from public.event_registrations where user_id = ${id}::uuid`.execute(tx);
    await sql`delete from public.calendar_tokens where user_id = ${id}::uuid`.execute(tx);
    // Live room: the member's questions, upvotes and attendance go; an organiser's
    // adjustments and answers stay, unlinked (the attendee's record is not theirs).
    await sql`delete from public.event_questions where author_id = ${id}::uuid`.execute(tx);
    await sql`delete from public.event_question_votes where user_id = ${id}::uuid`.execute(tx);
    await sql`delete from public.event_attendance where user_id = ${id}::uuid`.execute(tx);
    await sql`delete from public.event_attendance_adjustments where user_id = ${id}::uuid`.execute(tx);
    await sql`update public.event_questions set answered_by = null where answered_by = ${id}::uuid`.execute(tx);
    await sql`update public.event_attendance_adjustments set adjusted_by = null where adjusted_by = ${id}::uuid`.execute(tx);
    // Survey answers are the member's words: they go (the aggregate shrinks by one).
    await sql`delete from public.event_feedback where user_id = ${id}::uuid`.execute(tx);
    await sql`update public.event_followups set updated_by = null where updated_by = ${id}::uuid`.execute(tx);
    await sql`update public.event_resources set added_by = null where added_by = ${id}::uuid`.execute(tx);
    // A speaker's name stays in the programme the organiser wrote; the link to the account goes.
    await sql`update public.event_speakers set profile_id = null where profile_id = ${id}::uuid`.execute(tx);
    await sql`update public.event_slides set added_by = null where added_by = ${id}::uuid`.execute(tx);
    await sql`update public.events set created_by = null where created_by = ${id}::uuid`.execute(tx);
    await sql`update public.event_series set created_by = null where created_by = ${id}::uuid`.execute(tx);
  },
};
