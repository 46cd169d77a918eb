/**
 * Archives the reader did not write: Python's zipfile (deflated and stored, compression levels,
 * UTF-8 names, directories, force_zip64, data descriptors when writing to a pipe, 66,000 entries
 * with ZIP64 end records) and Info-ZIP's `zip` (folders, a symlink stored as a link, stored entries,
 * zip64 streaming from stdin). Every entry's bytes are compared with what the writer was given.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { payload } from "../../../support/payload.ts";
import { listEntries, openBytes, readEntry, run, scratchDir } from "./zip-test-support.ts";

const scratch = scratchDir("interop");
afterAll(scratch.remove);

const PYTHON = `
import hashlib, io, json, sys, zipfile
out = sys.argv[1]
def content(i, n):
    # Deterministic, partly compressible: text rows with a counter.
    return (''.join(f'{i},{j},row-{j*j % 9973}\\n' for j in range(n))).encode()
manifest = {}
def record(zipname, name, data):
    manifest.setdefault(zipname, {})[name] = hashlib.sha256(data).hexdigest()

with zipfile.ZipFile(f'{out}/py-mixed.zip', 'w') as z:
    z.comment = b'made by python'
    for i, (name, ctype, level) in enumerate([
        ('data/sales.csv', zipfile.ZIP_DEFLATED, 6),
        ('data/fast.csv', zipfile.ZIP_DEFLATED, 1),
        ('data/best.csv', zipfile.ZIP_DEFLATED, 9),
        ('raw/stored.bin', zipfile.ZIP_STORED, None),
        ('données/été 2024.json', zipfile.ZIP_DEFLATED, 6),
        ('empty.txt', zipfile.ZIP_DEFLATED, 6),
    ]):
        data = b'' if name == 'empty.txt' else content(i, 5000 + 1000 * i)
        z.writestr(name, data, compress_type=ctype, compresslevel=level)
        record('py-mixed.zip', name, data)
    z.mkdir('folder/')

with zipfile.ZipFile(f'{out}/py-zip64.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    for i in range(3):
        data = content(100 + i, 20000)
        with z.open(f'big{i}.csv', 'w', force_zip64=True) as f:
            f.write(data)
        record('py-zip64.zip', f'big{i}.csv', data)

class Pipe:  # no tell/seek: zipfile writes data descriptors, as to a pipe
    def __init__(self, f): self.f = f
    def write(self, b): return self.f.write(b)
    def flush(self): self.f.flush()
with open(f'{out}/py-stream.zip', 'wb') as raw:
    with zipfile.ZipFile(Pipe(raw), 'w', zipfile.ZIP_DEFLATED) as z:
        for i in range(4):
            data = content(200 + i, 3000)
            with z.open(f's{i}.csv', 'w', force_zip64=(i % 2 == 1)) as f:
                f.write(data)
            record('py-stream.zip', f's{i}.csv', data)
        z.writestr(zipfile.ZipInfo('stored-in-stream.txt'), b'stored bytes', compress_type=zipfile.ZIP_STORED)
        record('py-stream.zip', 'stored-in-stream.txt', b'stored bytes')

with zipfile.ZipFile(f'{out}/py-many.zip', 'w', zipfile.ZIP_STORED) as z:
    for i in range(66000):
        z.writestr(f'm/{i}.txt', str(i))

json.dump(manifest, open(f'{out}/manifest.json', 'w'))
`;

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("archives written by Python's zipfile", () => {
  let manifest: Record<string, Record<string, string>>;
  beforeAll(() => {
    const r = run("python3", ["-c", PYTHON, scratch.dir]);
    expect(r.stderr).toBe("");
    manifest = JSON.parse(readFileSync(join(scratch.dir, "manifest.json"), "utf8"));
  });

  for (const zip of ["py-mixed.zip", "py-zip64.zip", "py-stream.zip"]) {
    test(`${zip}: every entry's bytes match what Python wrote`, async () => {
      const reader = await openBytes(readFileSync(join(scratch.dir, zip)));
      const expected = manifest[zip]!;
      const seen: string[] = [];
      for await (const e of reader.entries()) {
        if (e.isDirectory) continue;
        seen.push(e.name);
        expect(sha256(await readEntry(reader, e))).toBe(expected[e.name]!);
      }
      expect(seen.sort()).toEqual(Object.keys(expected).sort());
    });
  }

  test("py-mixed.zip: names, directory, comment and ZIP64 flags as Python set them", async () => {
    const reader = await openBytes(readFileSync(join(scratch.dir, "py-mixed.zip")));
    const entries = await listEntries(reader);
    expect(Buffer.from(reader.comment).toString()).toBe("made by python");
    expect(entries.find((e) => e.name === "données/été 2024.json")!.nameEncoding).toBe("utf8");
    expect(entries.find((e) => e.name === "folder/")!.isDirectory).toBe(true);
    expect(entries.find((e) => e.name === "raw/stored.bin")!.method).toBe(0);
  });

  test("py-zip64.zip and py-stream.zip: ZIP64 extra fields and data descriptors are really there", async () => {
    const z64 = await listEntries(await openBytes(readFileSync(join(scratch.dir, "py-zip64.zip"))));
    expect(z64.every((e) => e.zip64 || e.uncompressedSize < 2 ** 32)).toBe(true);
    const stream = await listEntries(await openBytes(readFileSync(join(scratch.dir, "py-stream.zip"))));
    expect(stream.filter((e) => e.hasDataDescriptor).length).toBeGreaterThanOrEqual(4);
  });

  test("py-many.zip: 66,000 entries behind Python's ZIP64 end records", async () => {
    const reader = await openBytes(readFileSync(join(scratch.dir, "py-many.zip")), { limits: { maxEntries: 70_000 } });
    expect(reader.zip64).toBe(true);
    let i = 0;
    for await (const e of reader.entries()) {
      expect(e.name).toBe(`m/${i}.txt`);
      if (i % 6599 === 0) expect((await readEntry(reader, e)).toString()).toBe(String(i));
      i++;
    }
    expect(i).toBe(66_000);
  });
});

describe("archives written by Info-ZIP zip", () => {
  const src = join(scratch.dir, "tree");
  const files: Record<string, Buffer> = {
    "tree/a.csv": payload(200_000, 61),
    "tree/sub/b.txt": Buffer.from("hello from zip\n".repeat(1000)),
    "tree/sub/empty": Buffer.alloc(0),
  };
  beforeAll(() => {
    mkdirSync(join(src, "sub"), { recursive: true });
    for (const [name, data] of Object.entries(files)) writeFileSync(join(scratch.dir, name), data);
    symlinkSync("../../../etc/passwd", join(src, "sub", "link"));
  });

  test("zip -r -y: folders, files and a symlink stored as a link (not followed)", async () => {
    const out = join(scratch.dir, "tree.zip");
    expect(run("sh", ["-c", `cd '${scratch.dir}' && zip -q -r -y '${out}' tree`]).status).toBe(0);
    const reader = await openBytes(readFileSync(out));
    const entries = await listEntries(reader);
    for (const [name, data] of Object.entries(files)) {
      expect((await readEntry(reader, entries.find((e) => e.name === name)!)).equals(data)).toBe(true);
    }
    const link = entries.find((e) => e.name === "tree/sub/link")!;
    expect(link).toMatchObject({ kind: "symlink", isSymlink: true });
    expect(entries.find((e) => e.name === "tree/sub/")!.isDirectory).toBe(true);
  });

  test("zip -0 (stored) and zip from stdin (streamed: data descriptor, ZIP64 local field)", async () => {
    const stored = join(scratch.dir, "stored.zip");
    expect(run("sh", ["-c", `cd '${scratch.dir}' && zip -q -0 '${stored}' tree/a.csv`]).status).toBe(0);
    const reader = await openBytes(readFileSync(stored));
    const [e] = await listEntries(reader);
    expect(e!.method).toBe(0);
    expect((await readEntry(reader, e!)).equals(files["tree/a.csv"]!)).toBe(true);

    const streamed = join(scratch.dir, "streamed.zip");
    // Output into a pipe, so zip cannot seek back: data descriptor and ZIP64 local field.
    expect(run("sh", ["-c", `cat '${join(scratch.dir, "tree/a.csv")}' | zip -q | cat > '${streamed}'`]).status).toBe(0);
    const sreader = await openBytes(readFileSync(streamed));
    const [s] = await listEntries(sreader);
    // zip records stdin's mode, a FIFO: reported as "other" (the caller's policy decides), still readable.
    expect(s).toMatchObject({ name: "-", hasDataDescriptor: true, kind: "other" });
    expect((await readEntry(sreader, s!)).equals(files["tree/a.csv"]!)).toBe(true);
  });
});
