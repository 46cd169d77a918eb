/**
 * A check of the 7-Zip reader inside a compiled binary (not part of dsp's CLI): lists and extracts
 * one archive and prints one JSON line per file entry ({ path, size, sha256 }), then a summary line
 * ({ entries, files, bytes, liveWorkers }). On an ArchiveError it prints { error: code, message }
 * and exits 2.
 *
 *   bun build --compile --root src src/archive/sevenzip/selftest.ts src/archive/sevenzip/sevenzip-worker.ts --outfile x
 *   ./x archive.7z [7z|rar] [--bytes]
 *
 * Built with src/ as the root, the worker sits at the same embedded path as in dist/dsp
 * (/$bunfs/root/archive/sevenzip/sevenzip-worker.ts), with 7-Zip's WASM embedded: the test suite
 * (test/unit/archive/sevenzip/binary.test.ts) runs it under strace to prove that nothing is written
 * to disk.
 */
import { readFileSync } from "node:fs";
import { isArchiveError } from "../archive-error.ts";
import { liveSevenZipWorkers, openSevenZip } from "./sevenzip-reader.ts";

const [path, formatArg, mode] = process.argv.slice(2);
if (path === undefined) {
  console.error("usage: selftest ARCHIVE [7z|rar] [--bytes]");
  process.exit(64);
}
const format = formatArg === "rar" ? "rar" : "7z";
try {
  const source = mode === "--bytes" ? { bytes: new Uint8Array(readFileSync(path)) } : { path };
  const reader = await openSevenZip(source, format, { name: path });
  let files = 0;
  let bytes = 0;
  for await (const { entry, data } of reader.files()) {
    const hash = new Bun.CryptoHasher("sha256");
    let size = 0;
    for await (const chunk of data) {
      hash.update(chunk);
      size += chunk.length;
    }
    files += 1;
    bytes += size;
    console.log(JSON.stringify({ path: entry.path, size, sha256: hash.digest("hex") }));
  }
  await reader.close();
  console.log(JSON.stringify({ entries: reader.entries.length, files, bytes, liveWorkers: liveSevenZipWorkers() }));
} catch (err) {
  if (!isArchiveError(err)) throw err;
  console.log(JSON.stringify({ error: err.code, message: err.message }));
  process.exit(2);
}
