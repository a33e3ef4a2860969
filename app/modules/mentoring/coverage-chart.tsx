// Coverage by health region as a bar chart (recharts), drawn in the browser after
// hydration; the table next to it carries the same figures for everyone (screen
// readers, no JavaScript), so the chart itself is hidden from assistive technology.
import { lazy, Suspense, useEffect, useState } from "react";

const Chart = lazy(() => import("./coverage-chart.client"));

export interface CoverageRow {
  region: string;
  name: string;
  mentors: number;
  requests: number;
}

export function CoverageChart({ rows, labels }: { rows: CoverageRow[]; labels: { mentors: string; requests: string } }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <div className="coverage-chart" aria-hidden="true" data-chart={mounted ? "ready" : "pending"}>
      {mounted ? (
        <Suspense fallback={null}>
          <Chart rows={rows} labels={labels} />
        </Suspense>
      ) : null}
    </div>
  );
}
