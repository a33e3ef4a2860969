// The public check of an attestation's verification code: name, activity, hours and
// date, nothing else about the person. Answers 404 (with the same page) for an
// unknown or malformed code.
import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { verifyAttestation } from "~/modules/attestations/attestations.server";
import { verifyCodeSchema } from "~/modules/attestations/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "attestations.verify.title");

export async function loader({ params, context }: LoaderFunctionArgs) {
  const parsed = verifyCodeSchema.safeParse(params.code ?? "");
  const attestation = parsed.success ? await verifyAttestation(context.db, parsed.data) : null;
  const headers = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" };
  if (!attestation) return json({ code: (params.code ?? "").slice(0, 60), attestation: null }, { status: 404, headers });
  return json({ code: parsed.success ? parsed.data : "", attestation }, { headers });
}

export default function VerifyAttestation() {
  const { t, tx, date, locale } = useI18n();
  const { code, attestation } = useLoaderData<typeof loader>();
  const hours = (n: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(n);
  return (
    <div className="container container--narrow stack stack--l">
      <header className="page-header stack stack--s">
        <h1>{t("attestations.verify.title")}</h1>
        <p className="lead">{t("attestations.verify.lead")}</p>
      </header>
      {attestation ? (
        <section className="card stack stack--s" aria-labelledby="attestation-valid">
          <h2 id="attestation-valid" className="section-title">
            ✓ {t("attestations.verify.valid")}
          </h2>
          <dl className="definition-list">
            <dt>{t("attestations.verify.name")}</dt>
            <dd>{attestation.memberName}</dd>
            <dt>{t("attestations.verify.activity")}</dt>
            <dd>{attestation.title}</dd>
            <dt>{t("attestations.verify.kind")}</dt>
            <dd>{tx(`attestations.kinds.${attestation.kind}`)}</dd>
            <dt>{t("attestations.verify.hours")}</dt>
            <dd>{hours(attestation.hours)}</dd>
            <dt>{t("attestations.verify.date")}</dt>
            <dd>{date(attestation.issuedAt)}</dd>
            <dt>{t("attestations.verify.code")}</dt>
            <dd>
              <code>{code}</code>
            </dd>
          </dl>
        </section>
      ) : (
        <p className="alert alert--error" role="alert">
          {t("attestations.verify.notFound")}
        </p>
      )}
      <Form method="get" action="/attestations" className="stack stack--s">
        <label className="field__label" htmlFor="attestation-code">
          {t("attestations.verify.code")}
        </label>
        <input
          id="attestation-code"
          name="code"
          className="input"
          defaultValue={attestation ? "" : code}
          maxLength={60}
          autoComplete="off"
          spellCheck={false}
        />
        <p>
          <button type="submit" className="btn">
            {t("attestations.verify.check")}
          </button>
        </p>
      </Form>
    </div>
  );
}
