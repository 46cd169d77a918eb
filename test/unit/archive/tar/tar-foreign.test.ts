/**
 * TAR reader on archives it did not write: GNU tar in every --format, GNU tar --sparse, and Python's
 * tarfile (USTAR, GNU, PAX, devices, global headers, base-256 headers for files over 8 GiB).
 */
import { describe, expect, test } from "bun:test";
import { linkSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readTar } from "../../../../src/archive/tar/tar-reader.ts";
import { chunked } from "../../../support/archive/tar-writer.ts";
import { collectTar, summary } from "../../../support/archive/collect.ts";
import { gnuTar, hasGnuTar, makeTree, pythonTar } from "../../../support/archive/tar-fixtures.ts";

const LONG_DIR = `${"long-folder-name-".repeat(6)}end`; // > 100 bytes once joined
const FILES: Record<string, string> = {
  "top.txt": "top level",
  "empty.txt": "",
  "d/one-block.bin": "1".repeat(512),
  "d/over-block.bin": "2".repeat(513),
  "d/under-block.bin": "3".repeat(511),
  "d/big.bin": "0123456789".repeat(10_000),
  "d/unicodé 日本.txt": "unicode name",
  [`${LONG_DIR}/${"f".repeat(90)}.txt`]: "very long name", // ustar can still split it (prefix + name)
};

/** file/dir/link lines, sorted, comparable across formats. */
function expectedFiles(): string[] {
  return Object.entries(FILES).map(([p, d]) => `file ${p} ${d.length}  ${d}`);
}

describe("GNU tar", () => {
  const root = hasGnuTar ? makeTree("tar-foreign", FILES) : "";
  if (hasGnuTar) {
    symlinkSync("top.txt", join(root, "sym"));
    linkSync(join(root, "top.txt"), join(root, "hard"));
    Bun.spawnSync(["mkfifo", join(root, "fifo")]);
  }

  test.each(["ustar", "pax", "gnu", "posix", "oldgnu"])("--format=%s: every file, link and fifo", async (format) => {
    const members = [...Object.keys(FILES), "sym", "hard", "fifo"];
    const tar = gnuTar(root, [`--format=${format}`], members);
    const entries = await collectTar(chunked(tar, 4096));
    const files = summary(entries.filter((e) => e.type === "file"));
    expect(files.sort()).toEqual(expectedFiles().sort());
    const others = entries.filter((e) => e.type !== "file").map((e) => `${e.type} ${e.path} ${e.linkName ?? ""}`);
    expect(others.sort()).toEqual(["fifo fifo ", "hardlink hard top.txt", "symlink sym top.txt"]);
  });

  test("--format=v7 (no magic, names up to 99 bytes, no fifos)", async () => {
    const members = Object.keys(FILES).filter((p) => Buffer.byteLength(p) < 100);
    const tar = gnuTar(root, ["--format=v7"], [...members, "sym", "hard"]);
    const entries = await collectTar(chunked(tar, 1000));
    expect(entries.every((e) => e.format === "v7")).toBe(true);
    expect(summary(entries.filter((e) => e.type === "file")).sort()).toEqual(
      expectedFiles()
        .filter((l) => members.some((m) => l.startsWith(`file ${m} `)))
        .sort(),
    );
    expect(entries.filter((e) => e.type !== "file").map((e) => `${e.type} ${e.linkName}`)).toEqual(["symlink top.txt", "hardlink top.txt"]);
  });

  test("folders are yielded as directories (the recursion of `tar -c d`)", async () => {
    const entries = await collectTar(chunked(gnuTar(root, ["--format=gnu"], ["d"]), 8192));
    expect(entries[0]).toMatchObject({ type: "directory", path: "d/" });
    expect(entries.filter((e) => e.type === "file")).toHaveLength(5);
  });

  describe("sparse files are refused with TAR_SPARSE", () => {
    const sparseRoot = hasGnuTar ? makeTree("tar-sparse", {}) : "";
    if (hasGnuTar) {
      const f = join(sparseRoot, "holes.img");
      writeFileSync(f, "");
      truncateSync(f, 4 * 1024 * 1024);
      // A little data in the middle so the file is not all hole.
      const data = Buffer.from("data in the middle");
      const r = Bun.spawnSync(["dd", `of=${f}`, "bs=1", "seek=2097152", "conv=notrunc", "status=none"], { stdin: data });
      if (r.exitCode !== 0) throw new Error("dd failed");
    }

    test.each([
      ["gnu", []],
      ["pax", []],
      ["pax", ["--sparse-version=0.1"]],
      ["pax", ["--sparse-version=1.0"]],
    ] as const)("--format=%s --sparse %p", async (format, extra) => {
      const tar = gnuTar(sparseRoot, [`--format=${format}`, "--sparse", ...extra], ["holes.img"]);
      await expect(collectTar(chunked(tar, 4096))).rejects.toMatchObject({ code: "TAR_SPARSE" });
    });

    // Regression: PAX sparse was refused naming its extended header ("./PaxHeaders/holes.img"), and
    // 1.0's entry header says "./GNUSparseFile.0/holes.img": the error must name the file itself.
    test.each([
      ["gnu", []],
      ["pax", ["--sparse-version=0.0"]],
      ["pax", ["--sparse-version=0.1"]],
      ["pax", ["--sparse-version=1.0"]],
    ] as const)("the refusal of --format=%s --sparse %p names the sparse file, not a header", async (format, extra) => {
      const tar = gnuTar(sparseRoot, [`--format=${format}`, "--sparse", ...extra], ["holes.img"]);
      await expect(collectTar(chunked(tar, 4096))).rejects.toMatchObject({
        code: "TAR_SPARSE",
        message: expect.stringContaining('tar entry "holes.img" at byte 0 is a sparse file'),
        context: { entry: "holes.img", offset: 0 },
      });
    });
  });

  test.each(["gnu", "pax"])("--format=%s: a 9 GiB file's size is read from the first header(s)", async (format) => {
    const dir = makeTree(`tar-9g-${format}`, {});
    const f = join(dir, "nine.bin");
    writeFileSync(f, "");
    truncateSync(f, 9 * 2 ** 30); // a hole: no disk used
    const proc = Bun.spawn(["tar", "-c", "-f", "-", `--format=${format}`, "nine.bin"], { cwd: dir, stdout: "pipe", stderr: "ignore" });
    try {
      for await (const e of readTar(proc.stdout as unknown as AsyncIterable<Uint8Array>)) {
        expect(e).toMatchObject({ path: new TextEncoder().encode("nine.bin"), size: 9 * 2 ** 30, type: "file" });
        break; // only the header matters; tar is stopped below
      }
    } finally {
      proc.kill();
      await proc.exited;
    }
  });
});

describe("Python tarfile", () => {
  const addAll = `
def add(t, name, data=b"", **kw):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mtime = 1700000000
    for k, v in kw.items(): setattr(ti, k, v)
    t.addfile(ti, io.BytesIO(data) if data else None)

def fill(t):
    add(t, "a.txt", b"alpha")
    add(t, "dir", type=tarfile.DIRTYPE)
    add(t, "dir/" + "n" * 150 + ".txt", b"long name")
    add(t, "dir/caf\\u00e9.txt", b"utf8")
    add(t, "sym", type=tarfile.SYMTYPE, linkname="a.txt")
    add(t, "hard", type=tarfile.LNKTYPE, linkname="a.txt")
    add(t, "tty", type=tarfile.CHRTYPE, devmajor=4, devminor=1)
    add(t, "sda", type=tarfile.BLKTYPE, devmajor=8, devminor=0)
    add(t, "pipe", type=tarfile.FIFOTYPE)
    add(t, "last.bin", bytes(range(256)) * 9)
`;
  const expected = [
    "file a.txt 5  alpha",
    "directory dir/ 0  ", // tarfile appends "/" to folder names
    `file dir/${"n".repeat(150)}.txt 9  long name`,
    "file dir/café.txt 4  utf8",
    "symlink sym 0 a.txt ",
    "hardlink hard 0 a.txt ",
    "char tty 0  ",
    "block sda 0  ",
    "fifo pipe 0  ",
  ];

  test.each(["GNU_FORMAT", "PAX_FORMAT"])("%s: names, links, devices, FIFOs", async (format) => {
    const tar = pythonTar(`${addAll}\nwith tarfile.open(fileobj=out, mode="w|", format=tarfile.${format}) as t: fill(t)`);
    const entries = await collectTar(chunked(tar, 777));
    expect(summary(entries).slice(0, 9)).toEqual(expected);
    expect(entries[9]!.size).toBe(256 * 9);
    expect(entries.find((e) => e.path === "tty")).toMatchObject({ devMajor: 4, devMinor: 1 });
  });

  test("USTAR_FORMAT: a long name goes through the prefix field", async () => {
    const name = `${"p".repeat(120)}/${"n".repeat(90)}.txt`;
    const tar = pythonTar(`with tarfile.open(fileobj=out, mode="w|", format=tarfile.USTAR_FORMAT) as t:
    ti = tarfile.TarInfo("${name}"); ti.size = 2
    t.addfile(ti, io.BytesIO(b"ok"))`);
    const [e] = await collectTar(chunked(tar, 100));
    expect(e).toMatchObject({ path: name, data: "ok", format: "ustar" });
  });

  test("PAX global headers apply to every entry", async () => {
    const tar = pythonTar(`with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT, pax_headers={"uname": "global-user", "comment": "x"}) as t:
    for n in ("one", "two"):
        ti = tarfile.TarInfo(n); ti.size = 1; t.addfile(ti, io.BytesIO(b"1"))`);
    const entries = await collectTar(chunked(tar, 512));
    expect(entries.map((e) => `${e.path}:${e.uname}`)).toEqual(["one:global-user", "two:global-user"]);
  });

  test("GNU_FORMAT header for a 9 GiB file (base-256 size) and a pre-1970 mtime", async () => {
    const header = pythonTar(`ti = tarfile.TarInfo("nine.bin"); ti.size = 9 * 2**30; ti.mtime = -86400
out.write(ti.tobuf(format=tarfile.GNU_FORMAT))`);
    expect(header.length).toBe(512);
    expect(header[124]).toBe(0x80); // base-256 marker: this really exercises the base-256 path
    const it = readTar((async function* () {
      yield header;
    })());
    const e = (await it.next()).value!;
    expect(e).toMatchObject({ size: 9 * 2 ** 30, mtime: -86400 });
    await it.return();
  });
});
