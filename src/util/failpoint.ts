/**
 * Named failpoints for crash tests: with DSP_FAILPOINT=<name> (or <name>:<n> for the n-th time the
 * point is reached) the process kills itself with SIGKILL at that exact step, as a power cut or
 * the OOM killer would. Unset in production: a failpoint is then a single comparison.
 */

export const FAILPOINTS = [
  "after-intent-logged",
  "after-create",
  "after-upload-id-logged",
  "after-part",
  "before-complete",
  "after-complete",
  "after-completed-record",
  "archive-entry-recorded",
  "archive-manifest-written",
  "compaction-before-rename",
  "compaction-after-rename",
] as const;
export type FailpointName = (typeof FAILPOINTS)[number];

const spec = parse(process.env.DSP_FAILPOINT);
let hits = 0;

export function failpoint(name: FailpointName): void {
  if (spec === undefined || spec.name !== name) return;
  if (++hits < spec.nth) return;
  process.kill(process.pid, "SIGKILL");
}

function parse(value: string | undefined): { name: string; nth: number } | undefined {
  if (!value) return undefined;
  const [name, nth] = value.split(":");
  if (!(FAILPOINTS as readonly string[]).includes(name!)) {
    throw new Error(`DSP_FAILPOINT=${value}: unknown failpoint; known: ${FAILPOINTS.join(", ")}`);
  }
  return { name: name!, nth: nth === undefined ? 1 : Math.max(1, Number(nth)) };
}
