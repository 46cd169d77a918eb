/**
 * Turns the watched folder into a stream of ready files. Three inputs feed one stability gate:
 * chokidar events (fast), a full rescan every DSP_RESCAN_INTERVAL (the ground truth: events are lost
 * on inotify overflow, network mounts or bursts), and a re-check of each file when its job ends.
 * A file whose fingerprint holds still for the window is handed to `onReady`, in the order files
 * became ready. If the root disappears or becomes unreadable, the watcher says so once, checks every
 * second, and starts over (new native watch + full scan) when it is back.
 *
 * Invariants: a path is in at most one of {gate, busy}; busy paths (queued or being processed) are
 * not observed until `release`; at most one scan runs at a time; after `stop` no callback fires.
 */
import chokidar, { type FSWatcher } from "chokidar";
import { lstat, stat } from "node:fs/promises";
import type { Logger } from "../log.ts";
import { describeError } from "../errors.ts";
import { fingerprintOf, type Fingerprint } from "./fingerprint.ts";
import type { IgnoreRules } from "./ignore-rules.ts";
import { StabilityGate } from "./stability-gate.ts";
import { scanTree } from "./tree-scan.ts";

export interface ReadyFile {
  relPath: string;
  absPath: string;
  fp: Fingerprint;
}

export interface WatcherOptions {
  root: string;
  rules: IgnoreRules;
  windowMs: number;
  rescanMs: number;
  polling: boolean;
  /** Use native events (false in --once mode: one scan is all there is). */
  live: boolean;
  log: Logger;
  now: () => number;
  /** False when this exact version of the file needs no work (already completed or failed). */
  wanted: (relPath: string, fp: Fingerprint) => boolean;
  onReady: (file: ReadyFile) => void;
  /** A file left the folder (deleted, moved away): its state can be forgotten. */
  onRemoved?: (relPath: string) => void;
  /** A full scan ended: `seen` holds every file path the folder has now. */
  onScanned?: (seen: ReadonlySet<string>) => void;
}

const ROOT_CHECK_MS = 1000;
const NATIVE_READY_TIMEOUT_MS = 10_000;

export class FolderWatcher {
  private readonly gate: StabilityGate;
  private readonly busy = new Set<string>();
  private readonly skippedReported = new Set<string>();
  private native: FSWatcher | undefined;
  private rootIno: bigint | undefined;
  private rootMissing = false;
  private stopped = false;
  private readonly stopController = new AbortController();
  private readonly stopping = this.stopController.signal;
  private scanning: Promise<void> | undefined;
  private tickTimer: Timer | undefined;
  private tickAt = Infinity;
  private ticking = false;
  private rescanTimer: Timer | undefined;
  private rootTimer: Timer | undefined;
  private scans = 0;
  private settledWaiters: (() => void)[] = [];

  constructor(private readonly o: WatcherOptions) {
    this.gate = new StabilityGate(o.windowMs);
  }

  /** Files still settling (not yet ready). */
  get settling(): number {
    return this.gate.size;
  }

  isBusy(relPath: string): boolean {
    return this.busy.has(relPath);
  }

  /** Completed full scans, for --once to know the folder has been read at least once. */
  get completedScans(): number {
    return this.scans;
  }

  async start(): Promise<void> {
    await this.rescan();
    if (this.o.live) {
      this.rescanTimer = setInterval(() => void this.rescan(), this.o.rescanMs);
      this.rootTimer = setInterval(() => void this.checkRoot(), ROOT_CHECK_MS);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopController.abort();
    clearInterval(this.rescanTimer);
    clearInterval(this.rootTimer);
    clearTimeout(this.tickTimer);
    await this.closeNative();
    await this.scanning;
  }

  /**
   * A job for this path ended. `recheck`: observe the file again now (it changed while it was
   * processed); otherwise the next event or rescan will see any later change.
   */
  async release(relPath: string, recheck: boolean): Promise<void> {
    this.busy.delete(relPath);
    if (recheck && !this.stopped) await this.observePath(relPath);
  }

  /** Resolves when no file is settling (for --once). */
  whenSettled(): Promise<void> {
    if (this.gate.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  private notifySettled(): void {
    if (this.gate.size > 0) return;
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const w of waiters) w();
  }

  /** Runs a full scan now (or joins the one in progress). */
  rescan(): Promise<void> {
    this.scanning ??= this.fullScan().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async fullScan(): Promise<void> {
    if (this.stopped) return;
    const seen = new Set<string>();
    const scanStart = this.o.now();
    try {
      const rootStats = await stat(this.o.root, { bigint: true });
      if (!rootStats.isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
      // Native watch first, scan second: a file created in between is seen by one or the other.
      if (this.o.live && !this.native) await this.openNative();
      for await (const f of scanTree({
        root: this.o.root,
        rules: this.o.rules,
        onSkipped: (rel, reason) => this.reportSkipped(rel, reason),
        onError: (rel, err) => this.o.log.warn("cannot read in watched folder", { file: rel, details: describeError(err) }),
      })) {
        if (this.stopped) return;
        seen.add(f.relPath);
        this.consider(f.relPath, fingerprintOf(f.stats));
      }
      this.rootIno = rootStats.ino;
      if (this.rootMissing) {
        this.rootMissing = false;
        this.o.log.info("watched folder is available again: resuming", { dir: this.o.root });
      }
    } catch (err) {
      this.enterRootMissing(err);
      return;
    }
    // Candidates the scan did not find have vanished (those observed during the scan may be newer).
    for (const rel of this.gate.observedBefore(scanStart)) if (!seen.has(rel)) this.gate.forget(rel);
    this.scans++;
    this.o.onScanned?.(seen);
    this.o.log.debug("rescan complete", { files: seen.size, settling: this.gate.size, duration_ms: this.o.now() - scanStart });
    this.scheduleTick();
    this.notifySettled();
  }

  private consider(relPath: string, fp: Fingerprint): void {
    if (this.busy.has(relPath)) return;
    if (!this.o.wanted(relPath, fp)) {
      this.gate.forget(relPath);
      return;
    }
    if (!this.gate.has(relPath)) this.o.log.info("detected", { file: relPath, size: Number(fp.size) });
    this.gate.observe(relPath, fp, this.o.now());
    this.scheduleTick();
  }

  private async observePath(relPath: string): Promise<void> {
    try {
      const st = await lstat(`${this.o.root}/${relPath}`, { bigint: true });
      if (!st.isFile()) {
        this.gate.forget(relPath);
        return;
      }
      if (!this.stopped) this.consider(relPath, fingerprintOf(st));
    } catch {
      this.gate.forget(relPath); // gone: nothing to do
    }
  }

  /**
   * Arms one timer for the earliest window end. While a tick runs, no other tick starts: the
   * running one re-arms the timer when it ends. (Overlapping ticks each re-checked every due file:
   * with a first scan longer than the window, the checks grew with the square of the file count.)
   */
  private scheduleTick(): void {
    if (this.ticking || this.stopped) return;
    const at = this.gate.nextDueAt();
    if (at === undefined || at >= this.tickAt) return;
    clearTimeout(this.tickTimer);
    this.tickAt = at;
    this.tickTimer = setTimeout(() => {
      this.tickAt = Infinity;
      void this.tick();
    }, Math.max(0, at - this.o.now()));
  }

  private async tick(): Promise<void> {
    this.ticking = true;
    try {
      for (const relPath of this.gate.due(this.o.now())) {
        if (this.stopped) return;
        let fp: Fingerprint;
        try {
          const st = await lstat(`${this.o.root}/${relPath}`, { bigint: true });
          if (!st.isFile()) throw new Error("no longer a regular file");
          fp = fingerprintOf(st);
        } catch {
          this.gate.forget(relPath);
          continue;
        }
        if (this.gate.confirm(relPath, fp, this.o.now())) {
          this.busy.add(relPath);
          this.o.onReady({ relPath, absPath: `${this.o.root}/${relPath}`, fp });
        }
      }
    } finally {
      this.ticking = false;
    }
    this.scheduleTick();
    this.notifySettled();
  }

  private async openNative(): Promise<void> {
    const root = this.o.root;
    const w = chokidar.watch(root, {
      ignoreInitial: true,
      followSymlinks: false,
      usePolling: this.o.polling,
      interval: 1000,
      ignored: (path: string) => path !== root && this.o.rules.ignoresPath(path, root),
    });
    const onFile = (path: string) => {
      if (!this.stopped && path.startsWith(root + "/")) void this.observePath(path.slice(root.length + 1));
    };
    w.on("add", onFile);
    w.on("change", onFile);
    w.on("unlink", (path: string) => {
      const rel = path.slice(root.length + 1);
      this.gate.forget(rel);
      if (!this.busy.has(rel)) this.o.onRemoved?.(rel);
    });
    // Losing events is survivable (the rescan is the ground truth) but worth telling.
    w.on("error", (err: unknown) => this.o.log.warn("file watcher error: relying on rescans", { details: describeError(err) }));
    this.native = w;
    // Chokidar never says "ready" when the folder vanishes while it is being set up: the scan must
    // not wait for it forever (a stuck scan would block every later rescan and the shutdown).
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), NATIVE_READY_TIMEOUT_MS);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        resolve(ok);
      };
      w.once("ready", () => done(true));
      w.once("error", () => done(false));
      this.stopping.addEventListener("abort", () => done(false), { once: true });
    });
    if (!ready && !this.stopped) this.o.log.warn("file watcher not ready: relying on rescans until the next restart of the watch");
  }

  private async closeNative(): Promise<void> {
    const w = this.native;
    this.native = undefined;
    if (w) await w.close();
  }

  private async checkRoot(): Promise<void> {
    if (this.stopped) return;
    try {
      const st = await stat(this.o.root, { bigint: true });
      if (!st.isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
      if (this.rootMissing || st.ino !== this.rootIno) {
        // Back, or replaced by a new folder the native watch does not see: start over.
        await this.closeNative();
        await this.rescan();
      }
    } catch (err) {
      this.enterRootMissing(err);
    }
  }

  private enterRootMissing(err: unknown): void {
    if (this.rootMissing || this.stopped) return;
    this.rootMissing = true;
    this.rootIno = undefined;
    void this.closeNative();
    this.o.log.error("watched folder is missing or unreadable: waiting for it to come back", {
      dir: this.o.root,
      error: "WATCH_DIR_UNAVAILABLE",
      details: describeError(err),
    });
  }

  private reportSkipped(relPath: string, reason: string): void {
    if (this.skippedReported.has(relPath)) return;
    this.skippedReported.add(relPath);
    this.o.log.warn("skipped", { file: relPath, reason });
  }
}
