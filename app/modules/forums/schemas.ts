// One zod schema per forum form, shared by the browser (conform) and the server.
// Messages are i18n keys; limits come from ./limits (they match the CHECK constraints).
import { z } from "zod";
import { TOPICS } from "~/modules/accounts/reference";
import { codes, REGIONS } from "~/modules/accounts/reference";
import { EMAIL_MODES, FLAG_REASONS, FORUM_LIMITS, REACTIONS, SPACE_KINDS, SPACE_VISIBILITIES, WATCH_LEVELS } from "./limits";

const required = { required_error: "errors.required", invalid_type_error: "errors.invalid" };
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { errorMap: () => ({ message: "errors.choice" }) });
const uuid = z.string(required).uuid("errors.invalid");
const id = z.coerce
  .number({ invalid_type_error: "errors.invalid" })
  .int("errors.invalid")
  .positive("errors.invalid")
  .max(Number.MAX_SAFE_INTEGER, "errors.invalid");

export const titleField = z
  .string(required)
  .trim()
  .min(FORUM_LIMITS.titleMin, "forums.errors.title_short")
  .max(FORUM_LIMITS.titleMax, "forums.errors.title_long")
  // eslint-disable-next-line no-control-regex
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "errors.invalid");

/**
 * The body arrives either as the editor's JSON (bodyJson, when JavaScript runs) or as
 * the textarea's markup (body). The server validates either against the one schema.
 */
const bodyFields = {
  body: z.string().max(FORUM_LIMITS.bodyInputMax, "forums.richText.errors.too_long").optional(),
  bodyJson: z.string().max(FORUM_LIMITS.bodyJsonInputMax, "forums.richText.errors.too_large").optional(),
};
const hasBody = (v: { body?: string; bodyJson?: string }) => Boolean(v.body?.trim() || v.bodyJson?.trim());
const bodyRequired = { message: "forums.errors.body_required", path: ["body"] };

export const newTopicSchema = z
  .object({
    title: titleField,
    tags: z
      .array(oneOf(codes(TOPICS)))
      .max(FORUM_LIMITS.tags, "forums.errors.too_many_tags")
      .default([]),
    region: oneOf(codes(REGIONS)).optional(),
    ...bodyFields,
  })
  .refine(hasBody, bodyRequired);
export type NewTopicInput = z.infer<typeof newTopicSchema>;

export const replySchema = z
  .object({
    replyTo: id.optional(),
    ...bodyFields,
  })
  .refine(hasBody, bodyRequired);
export type ReplyInput = z.infer<typeof replySchema>;

export const editPostSchema = z
  .object({
    title: titleField.optional(),
    tags: z
      .array(oneOf(codes(TOPICS)))
      .max(FORUM_LIMITS.tags, "forums.errors.too_many_tags")
      .optional(),
    ...bodyFields,
  })
  .refine(hasBody, bodyRequired);
export type EditPostInput = z.infer<typeof editPostSchema>;

export const draftSchema = z.object({
  key: z.string().regex(/^(topic:[0-9a-f-]{36}|reply:[0-9]{1,18})$/, "errors.invalid"),
  title: z.string().max(FORUM_LIMITS.titleMax, "forums.errors.title_long").optional(),
  ...bodyFields,
});

export const reactionSchema = z.object({ postId: id, kind: oneOf([...REACTIONS]) });
export const postIdSchema = z.object({ postId: id });
export const acceptSchema = z.object({ postId: id.optional() });
export const readSchema = z.object({ upTo: z.coerce.number().int().min(0).max(1_000_000) });
export const watchSchema = z.object({ level: oneOf([...WATCH_LEVELS]) });
export const emailSettingsSchema = z.object({ mode: oneOf([...EMAIL_MODES]) });

export const flagSchema = z.object({
  reason: oneOf([...FLAG_REASONS]),
  note: z.string().trim().max(FORUM_LIMITS.flagNoteMax, "errors.too_long").optional(),
});

const name = z
  .string(required)
  .trim()
  .min(FORUM_LIMITS.categoryNameMin, "errors.too_short")
  .max(FORUM_LIMITS.categoryNameMax, "errors.too_long");
const description = z.string().trim().max(FORUM_LIMITS.descriptionMax, "errors.too_long").optional();
export const slugField = z.string(required).trim().toLowerCase().regex(FORUM_LIMITS.slugPattern, "forums.errors.slug");

export const categorySchema = z.object({
  spaceId: uuid,
  slug: slugField,
  nameFr: name,
  nameEn: name,
  descriptionFr: description,
  descriptionEn: description,
  topicCode: oneOf(codes(TOPICS)).optional(),
});
export const categoryUpdateSchema = z.object({
  categoryId: uuid,
  nameFr: name,
  nameEn: name,
  descriptionFr: description,
  descriptionEn: description,
});
export const categoryMoveSchema = z.object({ categoryId: uuid, direction: oneOf(["up", "down"]) });
export const categoryArchiveSchema = z.object({ categoryId: uuid, archived: z.enum(["true", "false"]).transform((v) => v === "true") });

export const spaceSchema = z.object({
  slug: slugField,
  kind: oneOf([...SPACE_KINDS]),
  visibility: oneOf([...SPACE_VISIBILITIES]),
  nameFr: name,
  nameEn: name,
  descriptionFr: description,
  descriptionEn: description,
});
export const spaceMemberSchema = z.object({
  spaceId: uuid,
  email: z.string(required).trim().toLowerCase().email("errors.email").max(254, "errors.too_long"),
  role: oneOf(["member", "moderator"]).default("member"),
});
export const spaceMemberRemoveSchema = z.object({ spaceId: uuid, userId: uuid });

// ── Moderation ──────────────────────────────────────────────────────────────
const note = z.string().trim().max(FORUM_LIMITS.hiddenReasonMax, "errors.too_long").optional();
export const moderatePostSchema = z.object({ postId: id, act: oneOf(["hide", "restore", "approve", "delete"]), note });
/** The topic comes from the URL, not the form. */
export const moderateTopicSchema = z
  .object({
    act: oneOf(["lock", "unlock", "pin", "unpin", "move"]),
    categoryId: uuid.optional(),
    note,
  })
  .refine((v) => v.act !== "move" || Boolean(v.categoryId), { message: "errors.required", path: ["categoryId"] });
export const splitTopicSchema = z.object({
  postIds: z.array(id, required).min(1, "forums.errors.split_choose").max(200, "errors.too_many"),
  title: titleField,
  categoryId: uuid,
});
export const resolveFlagSchema = z.object({ flagId: id, resolution: oneOf(["actioned", "dismissed"]), note });
export const sanctionSchema = z
  .object({
    userId: uuid,
    kind: oneOf(["warning", "silence"]),
    reason: z.string(required).trim().min(FORUM_LIMITS.reasonMin, "errors.too_short").max(FORUM_LIMITS.reasonMax, "errors.too_long"),
    days: z.coerce
      .number({ invalid_type_error: "errors.invalid" })
      .int("errors.invalid")
      .min(1, "errors.invalid")
      .max(FORUM_LIMITS.silenceDaysMax, "errors.invalid")
      .optional(),
  })
  .refine((v) => v.kind !== "silence" || v.days !== undefined, { message: "forums.errors.days_required", path: ["days"] });
export const liftSanctionSchema = z.object({ sanctionId: id });
