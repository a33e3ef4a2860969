// One dashboard figure: its heading, the chart, the same figures as a table (caption,
// header cells with scope) and the CSV link. Numbers and months in the reader's language.
import { useMemo } from "react";
import { useI18n } from "~/utils/i18n";
import { BarChart } from "./bar-chart";
import { labelText, type Figure } from "../figures";
import { TableRegion } from "~/components/table-region";

/** Characters of a row's name the chart has room for (the viewBox is 340 units wide, 13-unit text). */
const CHART_LABEL_MAX = 40;

export function FigureSection({ figure }: { figure: Figure }) {
  const { locale, tx } = useI18n();
  const number = useMemo(() => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }), [locale]);
  const label = (l: Figure["columns"][number]) => labelText(l, locale, tx);
  const base = `admin.dashboard.figures.${figure.name}`;
  const titleId = `figure-${figure.name}`;
  const title = tx(`${base}.title`);
  const rows = figure.rows.map((r) => label(r.label));
  // A long event title would run past the chart's edge: shortened there, whole in the table.
  const chartRows = rows.map((r) => (r.length > CHART_LABEL_MAX ? `${r.slice(0, CHART_LABEL_MAX - 1).trimEnd()}…` : r));
  const series = figure.chart.map((c) => ({
    label: label(figure.columns[c]!),
    values: figure.rows.map((r) => r.values[c] ?? 0),
  }));
  return (
    <section className="stack stack--s dashboard-figure" aria-labelledby={titleId} data-figure={figure.name}>
      <h2 id={titleId} className="section-title">
        {title}
      </h2>
      <p>{tx(`${base}.lead`)}</p>
      {figure.rows.length ? (
        <>
          <BarChart title={tx(`${base}.chart`)} rows={chartRows} series={series} format={(n) => number.format(n)} />
          <TableRegion labelledBy={`${titleId}-caption`}>
            <table className="table">
              <caption id={`${titleId}-caption`}>{tx(`${base}.caption`)}</caption>
              <thead>
                <tr>
                  <th scope="col">{tx(`${base}.rowHeader`)}</th>
                  {figure.columns.map((c, i) => (
                    <th scope="col" key={i}>
                      {label(c)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {figure.rows.map((r, i) => (
                  <tr key={i}>
                    <th scope="row">{rows[i]}</th>
                    {r.values.map((v, j) => (
                      <td key={j} className="table__number">
                        {v === null ? "—" : number.format(v)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        </>
      ) : (
        <p className="empty-state">{tx(`${base}.empty`)}</p>
      )}
      <p>
        <a href={`/admin/dashboard.csv?figure=${figure.name}`} download>
          {tx("admin.dashboard.csv", { figure: title })}
        </a>
      </p>
    </section>
  );
}
