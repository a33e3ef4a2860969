// The CPD attestation of an attended event as a PDF. A POST: issuing it the first time
// writes the attestation (its verification code), and no GET changes state.
import type { ActionFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/modules/accounts/guards.server";
import { renderAttestationPdf } from "~/modules/attestations/pdf.server";
import { eventAttestation } from "~/modules/events/attendance.server";
import { translate } from "~/utils/i18n.server";

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const outcome = await eventAttestation(context.db, viewer, params.id ?? "");
  if (!outcome.ok) throw new Response(translate(viewer.locale, outcome.formError ?? "errors.invalid"), { status: outcome.status });
  const pdf = await renderAttestationPdf(outcome.attestation, {
    locale: viewer.locale,
    publicUrl: context.env.publicUrl,
    lines: outcome.lines,
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
