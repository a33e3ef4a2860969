// The frame of a data table. On a phone a table wider than the screen scrolls sideways inside
// it; a keyboard can only scroll what it can focus, so the frame is a focusable region named
// by the table's heading or caption (WCAG 2.1.1, axe's "scrollable-region-focusable").
import type { ReactNode } from "react";

type Name = { labelledBy: string; label?: never } | { label: string; labelledBy?: never };

export function TableRegion({ children, ...name }: Name & { children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" tabIndex={0} aria-labelledby={name.labelledBy} aria-label={name.label}>
      {children}
    </div>
  );
}
