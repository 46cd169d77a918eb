/** Turns the individual runs into one row per tool and workload, as a text table and as JSON. */
import type { Tool } from "./tools.ts";
import type { Workload } from "./workloads.ts";

export interface RunRecord {
  workload: string;
  tool: string;
  round: number;
  wallS: number;
  peakRssBytes: number;
  cpuS: number;
  /** Share of all CPUs busy during the run (tool, S3 server and anything else on the machine). */
  hostBusyPercent: number;
}

export interface Row {
  tool: string;
  label: string;
  runs: number;
  wallS: number[];
  medianS: number;
  /** MB/s (10^6 bytes) for workload A, files/s for workload B, from the median time. */
  throughput: number;
  unit: "MB/s" | "files/s";
  /** Highest peak over the rounds: the goal is a ceiling, so the worst round counts. */
  peakRssMiB: number;
  medianCpuS: number;
  /** Median share of all CPUs busy during the runs: near 100, the machine itself was the limit. */
  medianHostBusyPercent: number;
  /** dsp (defaults) throughput / this tool's: above 1, dsp is faster. Only on peer rows. */
  dspThroughputRatio?: number;
  /** dsp (defaults) peak RSS / this tool's: below 1, dsp uses less memory. Only on peer rows. */
  dspRssRatio?: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarize(w: Workload, tools: Tool[], records: RunRecord[]): Row[] {
  const unit = w.id === "A" ? "MB/s" : "files/s";
  const rows: (Row & { isDsp: boolean; headline: boolean })[] = [];
  for (const t of tools.filter((t) => t.workloads.includes(w.id))) {
    const mine = records.filter((r) => r.workload === w.id && r.tool === t.id);
    if (!mine.length) continue;
    const medianS = median(mine.map((r) => r.wallS));
    rows.push({
      tool: t.id,
      label: t.label,
      isDsp: t.isDsp,
      headline: t.headline,
      runs: mine.length,
      wallS: mine.map((r) => r.wallS),
      medianS,
      throughput: w.id === "A" ? w.totalBytes / 1e6 / medianS : w.files.length / medianS,
      unit,
      peakRssMiB: Math.max(...mine.map((r) => r.peakRssBytes)) / 2 ** 20,
      medianCpuS: median(mine.map((r) => r.cpuS)),
      medianHostBusyPercent: median(mine.map((r) => r.hostBusyPercent)),
    });
  }
  const dsp = rows.find((r) => r.headline);
  for (const r of rows) {
    if (!dsp || r.isDsp) continue;
    r.dspThroughputRatio = dsp.throughput / r.throughput;
    r.dspRssRatio = dsp.peakRssMiB / r.peakRssMiB;
  }
  return rows.map(({ isDsp: _i, headline: _h, ...row }) => row);
}

export function formatTable(w: Workload, rows: Row[]): string {
  const unit = w.id === "A" ? "MB/s" : "files/s";
  const header = ["tool", "median s", unit, "peak RSS MiB", "CPU s", "host CPU %", "runs (s)", "dsp/peer speed", "dsp/peer RSS"];
  const body = rows.map((r) => [
    r.label,
    r.medianS.toFixed(2),
    r.throughput.toFixed(w.id === "A" ? 1 : 0),
    r.peakRssMiB.toFixed(1),
    r.medianCpuS.toFixed(1),
    r.medianHostBusyPercent.toFixed(0),
    r.wallS.map((s) => s.toFixed(1)).join(" "),
    r.dspThroughputRatio === undefined ? "-" : `${r.dspThroughputRatio.toFixed(2)}x`,
    r.dspRssRatio === undefined ? "-" : `${r.dspRssRatio.toFixed(2)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  // Text columns left-aligned, numbers right-aligned.
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 6 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [`Workload ${w.id}: ${w.title}`, line(header), widths.map((n) => "-".repeat(n)).join("  "), ...body.map(line)].join("\n");
}
