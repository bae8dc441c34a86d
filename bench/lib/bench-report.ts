/** A part of the results: a heading, markdown and the targets it checked. */
export interface ReportSection {
  title: string;
  body: string;
}

/** One target of the speed targets, checked against a measured figure. */
export interface TargetCheck {
  target: string;
  met: boolean;
  /** The figure that met or missed it, in words. */
  figure: string;
}

/** What the benchmark modules hand back to the runner. */
export interface BenchReport {
  sections: ReportSection[];
  targets: TargetCheck[];
}

export function emptyReport(): BenchReport {
  return { sections: [], targets: [] };
}
