/**
 * RAR 5 archives written by RARLAB's rar itself (Debian non-free; scripts/setup.sh installs it for
 * the tests), end to end with the compiled binary and the real S3 server: compressed (default and
 * best method, solid and not, a table inside), a Unix symlink and a hard link stored by `rar -ol
 * -oh` (skipped, the rest uploaded: 7-Zip cannot write a RAR 5 link to stdout, it reported a data
 * error for it and the whole archive failed, until dsp had 7-Zip leave links out), and
 * password-protected data and headers (error folder, reason "encrypted", decided from the headers).
 * rar 7 no longer writes RAR 4: those stay covered by the stored archives of rar-fixtures.ts.
 */
import { expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { runDsp } from "../harness/dsp-process.ts";
import { makeWorkDir } from "../harness/workdir.ts";
import { expectObjects, expectRefused, inspectArchive, settleArchives } from "../support/archive/archive-outcome.ts";
import { readWithHyparquet } from "../unit/convert/parquet/parquet-test-support.ts";

/** Runs rar in `cwd`; the test fails with rar's own output if rar is missing or refuses. */
function rar(cwd: string, args: string[]): void {
  const r = Bun.spawnSync(["rar", "a", "-idq", ...args], { cwd, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`rar ${args.join(" ")} failed (${r.exitCode}): ${r.stderr.toString()}${r.stdout.toString()}`);
}

test("RAR 5 archives made by rar: compressed, solid, best method, with a table, a symbolic and a hard link skipped; encrypted data or headers refused", async () => {
  const bucket = await newBucket("rar5");
  const wd = makeWorkDir("rar5");
  const src = join(wd.root, "src");
  const lines = Array.from({ length: 30_000 }, (_, i) => `line ${i} of a log that compresses well`).join("\n");
  const rnd = randomBytes(300_000);
  const csv = `id,name\n${Array.from({ length: 500 }, (_, i) => `${i},n${i}`).join("\n")}\n`;
  const tree: Record<string, string | Uint8Array> = { "logs/app.log": lines, "data/r.bin": rnd, "notes.txt": "plain notes" };
  for (const [path, data] of Object.entries({ ...tree, "t/table.csv": csv })) {
    mkdirSync(join(src, path, ".."), { recursive: true });
    writeFileSync(join(src, path), data);
  }
  symlinkSync("notes.txt", join(src, "link-to-notes"));
  linkSync(join(src, "notes.txt"), join(src, "hard-notes.txt"));
  const out = (name: string) => join(wd.watch, name);
  rar(src, ["-r", out("plain.rar"), "logs", "data", "notes.txt", "t"]);
  rar(src, ["-r", "-s", "-m5", out("solid.rar"), "logs", "data", "notes.txt", "t"]);
  rar(src, ["-r", "-ol", "-oh", out("with-link.rar"), "notes.txt", "link-to-notes", "hard-notes.txt", "logs"]);
  rar(src, ["-r", "-psecret", out("locked.rar"), "notes.txt"]);
  rar(src, ["-r", "-hpsecret", out("hidden.rar"), "notes.txt"]);

  const r = await runDsp({ env: dspEnv(bucket, wd), args: ["run", "--once"] });
  expect(r.code).toBe(3); // the two encrypted archives failed, the rest went up

  for (const folder of ["plain", "solid"]) {
    expect(await bucket.keys(`${folder}/`)).toEqual([`${folder}/data/r.bin`, `${folder}/logs/app.log`, `${folder}/notes.txt`, `${folder}/t/table.parquet`]);
    for (const [path, data] of Object.entries(tree)) expect(Buffer.from(await bucket.bytes(`${folder}/${path}`)).equals(Buffer.from(data))).toBe(true);
    const rows = await readWithHyparquet(await bucket.bytes(`${folder}/t/table.parquet`));
    expect(rows.length).toBe(500);
    expect(rows[499]).toEqual({ id: 499n, name: "n499" });
  }
  await expectObjects(bucket, "with-link", { "notes.txt": "plain notes", "logs/app.log": lines });
  const skipped = r.lines.filter((l) => l.msg === "archive entry skipped" && l.file === "with-link.rar").map((l) => String(l.entry));
  expect(skipped.sort()).toEqual(["with-link.rar > hard-notes.txt", "with-link.rar > link-to-notes"]);
  await expectRefused(bucket, wd, "locked.rar", "locked", "encrypted");
  await expectRefused(bucket, wd, "hidden.rar", "hidden", "encrypted");
  expect(await settleArchives(bucket, wd, (rel) => rel.endsWith(".rar"))).toEqual([]);

  // dsp inspect reads the same archives the same way.
  const solid = inspectArchive(out("solid.rar"));
  expect(solid.code).toBe(0);
  expect(solid.report.files.map((f) => f.path).sort()).toEqual(["solid/data/r.bin", "solid/logs/app.log", "solid/notes.txt", "solid/t/table.csv"]);
}, 120_000);
