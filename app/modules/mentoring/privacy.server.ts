// Mentoring's part of the privacy contract (decision 016). A pairing is private to its
// two people: when one of them is erased, the pairing and everything in it (agreement,
// goals, sessions, notes, assessments) goes, since it cannot be kept without them; the
// other person keeps any attestation already issued (a separate record of theirs).
// Requests they sent or received go too; a coordinator's assignment stays, unlinked.
import { sql } from "kysely";
import type { PrivacyContract } from "~/modules/privacy/contract";
import { exportRows } from "~/modules/privacy/rows.server";

export const mentoringPrivacy: PrivacyContract = {
  module: "mentoring",
  covers: {
    mentor_profiles: ["user_id"],
    mentoring_requests: ["mentee_id", "mentor_id", "assigned_by"],
    mentoring_pairings: ["mentor_id", "mentee_id"],
    mentoring_goals: ["created_by"],
    mentoring_sessions: ["created_by"],
    mentoring_notes: ["author_id"],
    mentoring_assessments: ["author_id"],
  },
  async exportFor(tx, memberId) {
    const { rows: pairings } = await sql<Record<string, unknown>>`select * from public.mentoring_pairings
      where mentor_id = ${memberId}::uuid or mentee_id = ${memberId}::uuid`.execute(tx);
    const { rows: requests } = await sql<Record<string, unknown>>`select * from public.mentoring_requests
      where mentee_id = ${memberId}::uuid or mentor_id = ${memberId}::uuid`.execute(tx);
    return {
      mentorProfile: await exportRows(tx, "mentor_profiles", "user_id", memberId),
      requests,
      pairings,
      goalsWritten: await exportRows(tx, "mentoring_goals", "created_by", memberId),
      sessionsScheduled: await exportRows(tx, "mentoring_sessions", "created_by", memberId),
      // Only the notes they wrote: a mentor's private notes about them are not theirs to read.
      notesWritten: await exportRows(tx, "mentoring_notes", "author_id", memberId),
      assessmentsWritten: await exportRows(tx, "mentoring_assessments", "author_id", memberId),
    };
  },
  async eraseFor(tx, subject) {
    const id = subject.memberId;
    await sql`update public.mentoring_requests set assigned_by = null where assigned_by = ${id}::uuid`.execute(tx);
    await sql`delete from public.mentoring_pairings where mentor_id = ${id}::uuid or mentee_id = ${id}::uuid`.execute(tx);
    await sql`delete from public.mentoring_requests where mentee_id = ${id}::uuid or mentor_id = ${id}::uuid`.execute(tx);
    await tx.deleteFrom("mentor_profiles").where("user_id", "=", id).execute();
  },
};
