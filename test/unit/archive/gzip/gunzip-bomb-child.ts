/**
 * Run by gunzip-bomb.test.ts in its own process, so that the RSS it reports is this bomb's alone
 * (in the test runner's process, other test files' garbage moves RSS too). Prints one JSON line.
 */
import { gunzip } from "../../../../src/archive/gzip/gunzip.ts";
import { gzipStream, zeros } from "../../../support/archive/gzip-fixtures.ts";

const GiB = 2 ** 30;
Bun.gc(true);
const base = process.memoryUsage().rss;
let peak = base;
let total = 0;
let chunks = 0;
for await (const c of gunzip(gzipStream(zeros(10 * GiB)))) {
  total += c.length;
  if ((++chunks & 127) === 0) peak = Math.max(peak, process.memoryUsage().rss);
}
peak = Math.max(peak, process.memoryUsage().rss);
console.log(JSON.stringify({ total, base, peak }));
