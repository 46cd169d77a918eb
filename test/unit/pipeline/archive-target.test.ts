/**
 * An archive's target in S3 belongs to it alone: a plain folder or file of the watched folder at
 * that target wins, and of two archives with one target the one whose name sorts first wins
 * (both sides decide the same way, whatever order they are read in).
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { refuseTargetConflict } from "../../../src/pipeline/archive-target.ts";

const root = mkdtempSync(join(tmpdir(), "dsp-archive-target-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folder(name: string, files: string[], dirs: string[] = []): string {
  const dir = join(root, name);
  for (const d of dirs) mkdirSync(join(dir, d), { recursive: true });
  for (const f of files) {
    mkdirSync(join(dir, f, ".."), { recursive: true });
    writeFileSync(join(dir, f), "x");
  }
  return dir;
}

async function verdict(watch: string, rel: string, tables = true): Promise<string> {
  try {
    await refuseTargetConflict(watch, rel, tables);
    return "ok";
  } catch (err) {
    return (err as Error).message;
  }
}

test("an archive beside a plain folder of its name fails; beside a plain file of that name it does not (objects and folders do not collide)", async () => {
  const w = folder("plain", ["a/bundle.zip", "a/bundle/readme.txt", "b/logs.tar.gz", "b/logs"]);
  expect(await verdict(w, "a/bundle.zip")).toMatch(/^the watched folder has a folder a\/bundle\/: .* under a\/bundle$/);
  expect(await verdict(w, "b/logs.tar.gz")).toBe("ok");
});

test("a compressed file beside the file it decompresses to, or beside that table's Parquet name, fails", async () => {
  const w = folder("single", ["app.log.gz", "app.log", "x.csv.gz", "x.parquet", "y.csv.xz", "y.csv", "z.csv.gz"]);
  expect(await verdict(w, "app.log.gz")).toMatch(/has app\.log/);
  expect(await verdict(w, "x.csv.gz")).toMatch(/has x\.parquet/);
  expect(await verdict(w, "y.csv.xz")).toMatch(/has y\.csv/);
  expect(await verdict(w, "z.csv.gz")).toBe("ok");
  // Tables not converted: x.csv.gz becomes x.csv, which nothing else writes.
  expect(await verdict(w, "x.csv.gz", false)).toBe("ok");
});

test("of two archives with one target, the first by name goes up and the other fails, decided the same from both sides", async () => {
  const w = folder("pair", ["logs.tar.gz", "logs.zip", "logs.tgz", "r.csv.bz2", "r.csv.gz", "other.zip"]);
  expect(await verdict(w, "logs.tar.gz")).toBe("ok");
  expect(await verdict(w, "logs.tgz")).toMatch(/^logs\.tar\.gz has the same target/);
  expect(await verdict(w, "logs.zip")).toMatch(/^logs\.tar\.gz has the same target/);
  expect(await verdict(w, "r.csv.bz2")).toBe("ok");
  expect(await verdict(w, "r.csv.gz")).toMatch(/^r\.csv\.bz2 has the same target/);
  expect(await verdict(w, "other.zip")).toBe("ok");
});

test("a name that is not an archive name (an archive by magic bytes alone) has no rival", async () => {
  const w = folder("magic", ["data.bin", "data.bin.zip"]);
  expect(await verdict(w, "data.bin")).toBe("ok");
});
