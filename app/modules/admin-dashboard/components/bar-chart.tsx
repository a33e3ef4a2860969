// A horizontal bar chart drawn by visx as plain SVG on the server: the page shows it
// without JavaScript, and nothing of it runs in the browser. Each row's name sits above
// its bars (room for long region names and event titles on a phone) and each bar carries
// its value, so the chart is readable without telling colours apart; the second series
// is also hatched. The viewBox lets it shrink to a 390-px screen. The table next to it
// holds the same figures for screen readers and for copying.
import { AxisBottom } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { Bar } from "@visx/shape";
import { useId } from "react";

export interface BarSeries {
  label: string;
  values: number[];
}

const WIDTH = 340;
const MARGIN = { top: 8, right: 48, bottom: 36, left: 4 };
const LABEL_HEIGHT = 20;
const BAR_HEIGHT = 14;
const BAR_GAP = 3;
const ROW_GAP = 10;

export function BarChart({
  title,
  rows,
  series,
  format,
}: {
  title: string;
  rows: string[];
  series: BarSeries[];
  format: (n: number) => string;
}) {
  const id = useId();
  const titleId = `${id}-title`;
  const hatchId = `${id}-hatch`;
  const rowHeight = LABEL_HEIGHT + series.length * (BAR_HEIGHT + BAR_GAP) + ROW_GAP;
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = Math.max(rows.length, 1) * rowHeight;
  const height = innerHeight + MARGIN.top + MARGIN.bottom;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = scaleLinear<number>({ domain: [0, max], range: [0, innerWidth], nice: true });
  const y = scaleBand<number>({ domain: rows.map((_, i) => i), range: [0, innerHeight] });
  const ticks = Math.min(4, Math.ceil(max));
  return (
    <figure className="bar-chart">
      {series.length > 1 ? (
        <ul className="bar-chart__legend" aria-hidden="true">
          {series.map((s, i) => (
            <li key={s.label}>
              <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
                <rect
                  className={`bar-chart__bar bar-chart__bar--${i}`}
                  x="0"
                  y="0"
                  width="16"
                  height="16"
                  fill={i ? `url(#${hatchId})` : undefined}
                />
              </svg>
              {s.label}
            </li>
          ))}
        </ul>
      ) : null}
      <svg className="bar-chart__svg" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby={titleId} focusable="false">
        <title id={titleId}>{title}</title>
        <defs>
          <pattern id={hatchId} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect className="bar-chart__hatch-bg" width="6" height="6" />
            <line className="bar-chart__hatch" x1="0" y1="0" x2="0" y2="6" strokeWidth="3" />
          </pattern>
        </defs>
        <Group left={MARGIN.left} top={MARGIN.top}>
          {rows.map((row, r) => {
            const top = y(r) ?? 0;
            return (
              <g key={`${r}-${row}`}>
                <text className="bar-chart__label" x={0} y={top + LABEL_HEIGHT - 6}>
                  {row}
                </text>
                {series.map((s, i) => {
                  const value = s.values[r] ?? 0;
                  const barY = top + LABEL_HEIGHT + i * (BAR_HEIGHT + BAR_GAP);
                  const barWidth = Math.max(value > 0 ? 1 : 0, x(value));
                  return (
                    <g key={s.label}>
                      <Bar
                        className={`bar-chart__bar bar-chart__bar--${i}`}
                        x={0}
                        y={barY}
                        width={barWidth}
                        height={BAR_HEIGHT}
                        fill={i ? `url(#${hatchId})` : undefined}
                      />
                      <text className="bar-chart__value" x={barWidth + 4} y={barY + BAR_HEIGHT - 2}>
                        {format(value)}
                      </text>
                    </g>
                  );
                })}
              </g>
            );
          })}
          <AxisBottom
            top={innerHeight}
            scale={x}
            numTicks={ticks}
            tickFormat={(v) => format(Number(v))}
            axisClassName="bar-chart__axis"
            tickClassName="bar-chart__tick"
            tickLabelProps={{ className: "bar-chart__tick-label", fontSize: 13, textAnchor: "middle" }}
            // visx's own tick label sets a style attribute, which the content security policy refuses.
            tickComponent={({ formattedValue, x: tx, y: ty, className, textAnchor, dy }) => (
              <text x={tx} y={ty} dy={dy ?? "0.71em"} className={className} textAnchor={textAnchor}>
                {formattedValue}
              </text>
            )}
          />
        </Group>
      </svg>
    </figure>
  );
}
