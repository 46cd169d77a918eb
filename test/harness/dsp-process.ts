/**
 * Runs the compiled dsp binary (dist/dsp, or $DSP_BINARY) as the product runs: a separate process,
 * configured by environment, logging JSON lines on stdout. Tests wait for log events instead of
 * sleeping: `waitFor` resolves on the first line matching a predicate (lines already seen count).
 */
import type { Subprocess } from "bun";
import { resolve } from "node:path";

export const DSP_BINARY = process.env.DSP_BINARY ?? resolve(import.meta.dir, "../../dist/dsp");

export interface LogLine {
  ts: string;
  level: string;
  msg: string;
  [field: string]: unknown;
}

interface Waiter {
  pred: (l: LogLine) => boolean;
  resolve: (l: LogLine) => void;
}

export interface DspProcess {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  pid: number;
  lines: LogLine[];
  /** Non-JSON stdout lines and all of stderr. */
  rawOutput: string[];
  waitFor(pred: (l: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  waitForCount(pred: (l: LogLine) => boolean, count: number, what: string, timeoutMs?: number): Promise<void>;
  exited: Promise<number>;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

export interface StartOptions {
  env: Record<string, string>;
  args?: string[];
  cwd?: string;
  /** Command prefix, e.g. ["strace", "-f", ...]. */
  wrap?: string[];
}

export function startDsp(opts: StartOptions): DspProcess {
  const cmd = [...(opts.wrap ?? []), DSP_BINARY, ...(opts.args ?? ["run"])];
  const proc = Bun.spawn(cmd, {
    env: childEnv(opts.env),
    cwd: opts.cwd,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: LogLine[] = [];
  const rawOutput: string[] = [];
  let waiters: Waiter[] = [];
  const onLine = (text: string) => {
    if (text.trim() === "") return;
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      rawOutput.push(text);
      return;
    }
    lines.push(line);
    const hit = waiters.filter((w) => w.pred(line));
    waiters = waiters.filter((w) => !hit.includes(w));
    for (const w of hit) w.resolve(line);
  };
  const pumped = Promise.all([pump(proc.stdout, onLine), pump(proc.stderr, (t) => rawOutput.push(t))]);
  const exited = proc.exited.then(async (code) => {
    await pumped;
    return code;
  });

  const describeTail = () =>
    [...lines.slice(-25).map((l) => JSON.stringify(l)), ...rawOutput.slice(-10)].join("\n");

  /** Resolves on the next line matching pred (lines already seen are not checked). */
  const next = (pred: (l: LogLine) => boolean, what: string, timeoutMs: number) =>
    new Promise<LogLine>((resolveLine, reject) => {
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for: ${what}\n--- last output ---\n${describeTail()}`));
      }, timeoutMs);
      const waiter: Waiter = {
        pred,
        resolve: (l) => {
          clearTimeout(timer);
          resolveLine(l);
        },
      };
      waiters.push(waiter);
      void exited.then((code) => {
        if (!waiters.includes(waiter)) return;
        clearTimeout(timer);
        waiters = waiters.filter((w) => w !== waiter);
        reject(new Error(`dsp exited with ${code} before: ${what}\n--- last output ---\n${describeTail()}`));
      });
    });

  const waitFor = (pred: (l: LogLine) => boolean, what: string, timeoutMs = 60_000) => {
    const seen = lines.find(pred);
    return seen ? Promise.resolve(seen) : next(pred, what, timeoutMs);
  };

  const waitForCount = async (pred: (l: LogLine) => boolean, count: number, what: string, timeoutMs = 60_000) => {
    let n = lines.filter(pred).length;
    if (n >= count) return;
    try {
      await next((l) => pred(l) && ++n >= count, what, timeoutMs);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n(${n} of ${count} seen)`);
    }
  };

  return {
    proc,
    pid: proc.pid,
    lines,
    rawOutput,
    waitFor,
    waitForCount,
    exited,
    async stop(signal = "SIGTERM") {
      proc.kill(signal);
      return await exited;
    },
  };
}

/** Runs dsp to completion (e.g. `run --once`, `status`), returning its exit code and output. */
export async function runDsp(opts: StartOptions & { timeoutMs?: number }): Promise<{ code: number; lines: LogLine[]; output: string }> {
  const p = startDsp(opts);
  const timer = setTimeout(() => p.proc.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, lines: p.lines, output: p.rawOutput.join("\n") };
}

/** The child sees the test's environment minus any DSP_ variables, plus exactly what the test gives. */
function childEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("DSP_")) out[k] = v;
  return { ...out, ...env };
}

async function pump(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of stream) {
    rest += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = rest.indexOf("\n")) >= 0) {
      onLine(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
    }
  }
  if (rest) onLine(rest);
}
