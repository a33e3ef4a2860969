// The attestation of mentoring hours as a PDF. A POST: issuing it the first time
// writes the attestation (its verification code), and no GET changes state.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireViewer } from "~/modules/accounts/guards.server";
import { renderAttestationPdf } from "~/modules/attestations/pdf.server";
import { mentoringAttestation } from "~/modules/mentoring/mentoring.server";
import { translate } from "~/utils/i18n.server";

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const id = z.string().uuid().safeParse(params.id);
  if (!id.success) throw new Response("not_found", { status: 404 });
  const outcome = await mentoringAttestation(context.db, viewer, id.data);
  if (!outcome.ok) throw new Response(translate(viewer.locale, outcome.formError ?? "errors.invalid"), { status: outcome.status });
  const pdf = await renderAttestationPdf(outcome.attestation, {
    locale: viewer.locale,
    publicUrl: context.env.publicUrl,
    lines: [
      { label: translate(viewer.locale, "mentoring.attestation.mentor"), value: outcome.mentor },
      { label: translate(viewer.locale, "mentoring.attestation.mentee"), value: outcome.mentee },
    ],
  });
  return new Response(Buffer.from(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="attestation-${outcome.attestation.code}.pdf"`,
      "Cache-Control": "no-store",
    },
  });
}

export function loader() {
  throw new Response("method_not_allowed", { status: 405 });
}
