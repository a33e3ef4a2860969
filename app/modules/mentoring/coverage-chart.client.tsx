import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { CoverageRow } from "./coverage-chart";

// The chart is hidden from assistive technology (the table says the same), so recharts'
// keyboard layer is off: nothing inside an aria-hidden region may take focus.
export default function CoverageBars({ rows, labels }: { rows: CoverageRow[]; labels: { mentors: string; requests: string } }) {
  return (
    <ResponsiveContainer width="100%" height={320}>
      <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 8, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="region" />
        <YAxis allowDecimals={false} />
        <Tooltip labelFormatter={(code) => rows.find((r) => r.region === code)?.name ?? String(code)} />
        <Legend />
        <Bar dataKey="mentors" name={labels.mentors} fill="#1f6f5c" />
        <Bar dataKey="requests" name={labels.requests} fill="#b5531c" />
      </BarChart>
    </ResponsiveContainer>
  );
}
