// An event's slides as files (decision 026). The upload goes through the tools
// library's checks and storage (type sniffed from the bytes, same size limit, same
// storage backends, decision 007): the blob is stored before the transaction that
// records its `files` row and its slide, and removed again if that transaction fails.
// Removing a slide deletes its file row (trigger), whose blob is purged after commit.
// Organisers upload and remove; whoever may see the event downloads (RLS on
// event_slides and files, through /files/:id).
import type { Viewer } from "~/modules/accounts/accounts.server";
import { hasRole } from "~/modules/accounts/accounts.server";
import { insertFileRow, purgeDeletedFiles, storeCheckedUpload, type ToolDeps, type UploadedFile } from "~/modules/tools/tools.server";
import { attempt, refused, type Outcome } from "~/utils/outcome";
import { recordStoredBlob } from "~/utils/storage.server";

const isUuid = (v: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);

const SLIDE_REFUSALS = {
  codes: { "42501": [403, "events.errors.forbidden"] },
  constraints: { event_slides_event_id_fkey: [404, "events.errors.notFound"] },
} as const;

/** Adds a file to the event's slides; the title defaults to the file's name. */
export async function addSlide(
  deps: ToolDeps,
  viewer: Viewer,
  eventId: string,
  input: { title: string | null; file: UploadedFile | null },
): Promise<Outcome<{ id: number }>> {
  if (!hasRole(viewer, "organiser")) return refused(403, "events.errors.forbidden");
  if (!isUuid(eventId)) return refused(404, "events.errors.notFound");
  if (!input.file) return refused(400, undefined, { fieldErrors: { file: ["events.slides.errors.file"] } });
  // The event first: no blob is stored for an event this organiser cannot see.
  const exists = await deps.db.withUser(
    viewer.claims,
    (tx) => tx.selectFrom("events").select("id").where("id", "=", eventId).executeTakeFirst(),
    { readOnly: true },
  );
  if (!exists) return refused(404, "events.errors.notFound");
  const upload = await storeCheckedUpload(deps, input.file, "slides");
  if (!upload.ok) return upload;
  const stored = upload.stored;
  return recordStoredBlob(deps, stored.key, () =>
    attempt(
      () =>
        deps.db.withUser(viewer.claims, async (tx) => {
          const fileId = await insertFileRow(tx, viewer, stored, "event_slides");
          const slide = await tx
            .insertInto("event_slides")
            .values({ event_id: eventId, file_id: fileId, title: input.title ?? stored.name, added_by: viewer.id })
            .returning("id")
            .executeTakeFirstOrThrow();
          return { ok: true as const, id: Number(slide.id) };
        }),
      SLIDE_REFUSALS,
    ),
  );
}

/** Removes one of the event's slides and its file. */
export async function removeSlide(deps: ToolDeps, viewer: Viewer, eventId: string, slideId: number): Promise<Outcome> {
  if (!hasRole(viewer, "organiser")) return refused(403, "events.errors.forbidden");
  if (!isUuid(eventId)) return refused(404, "events.errors.notFound");
  const outcome = await attempt(
    () =>
      deps.db.withUser(viewer.claims, async (tx) => {
        const removed = await tx
          .deleteFrom("event_slides")
          .where("id", "=", slideId)
          .where("event_id", "=", eventId)
          .returning("id")
          .executeTakeFirst();
        return removed ? { ok: true as const } : refused(404, "events.slides.errors.notFound");
      }),
    SLIDE_REFUSALS,
  );
  if (outcome.ok) await purgeDeletedFiles(deps);
  return outcome;
}
