// The guard's findings listed with their excerpt (the no-JavaScript presentation).
import type { GuardFinding } from "./cases.server";
import { useI18n } from "~/utils/i18n";

export function GuardFindings({ findings }: { findings: Array<Pick<GuardFinding, "field" | "kind" | "before" | "match" | "after">> }) {
  const { t, tx } = useI18n();
  return (
    <>
      <p>{t("cases.form.guardLead")}</p>
      <ul className="guard-findings">
        {findings.map((f, i) => (
          <li key={i} data-kind={f.kind}>
            <strong>{tx(`cases.form.${f.field}`)}</strong> — {tx(`cases.kinds.${f.kind}`)} : « {f.before}<mark>{f.match}</mark>{f.after} »
          </li>
        ))}
      </ul>
    </>
  );
}
