/** Renders .env.example from the configuration schema, so the documentation cannot drift from the code. */
import { KEYS } from "../../src/config/schema.ts";

export function renderEnvExample(): string {
  const out: string[] = [
    "# dsp configuration. Copy to .env next to the binary (or pass --env-file) and fill in the",
    "# required keys. Real environment variables override this file. Generated from",
    "# src/config/schema.ts by scripts/gen-env-example.ts: edit the schema, not this file.",
  ];
  let section = "";
  for (const k of KEYS) {
    if (k.section !== section) {
      section = k.section;
      out.push("", `# ===== ${section} =====`);
    }
    out.push("");
    for (const line of k.doc.split("\n")) out.push(`# ${line}`);
    if (k.default === undefined) out.push("# (required)", `${k.key}=`);
    else out.push(`# default: ${k.default === "" ? "(empty)" : k.default}`, `#${k.key}=${k.default}`);
  }
  return out.join("\n") + "\n";
}
