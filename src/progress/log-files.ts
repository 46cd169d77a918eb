/**
 * The file operations the progress log needs, behind an interface so tests can make any of them
 * fail (a failed fsync must stop dsp) or observe their order. `nodeLogFiles` is the real one.
 * Every durable step is explicit: Bun's appendFile({flush: true}) was seen to skip the fsync, so
 * the log calls datasync/fsync itself.
 */
import { closeSync, constants, fsyncSync, openSync } from "node:fs";
import { open, readdir, readFile, rename, rm, stat, type FileHandle } from "node:fs/promises";

export interface AppendFile {
  /** Appends at the end of the file. */
  append(bytes: Uint8Array): Promise<void>;
  /** Makes the appended bytes durable (fdatasync: data and the size needed to read it). */
  datasync(): Promise<void>;
  /** Full fsync (after writing a new file, before renaming it into place). */
  fsync(): Promise<void>;
  truncate(length: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export interface LogFiles {
  /** undefined when the file does not exist. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** Opens for appending, creating the file if needed. */
  openAppend(path: string): Promise<AppendFile>;
  /** Creates or empties a file and opens it for appending. */
  create(path: string): Promise<AppendFile>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  /** fsync of a directory: makes a rename or a new name in it durable. */
  syncDir(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** Names in a directory. */
  list(dir: string): Promise<string[]>;
}

class HandleFile implements AppendFile {
  constructor(private readonly h: FileHandle) {}
  async append(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.h.write(bytes, done, bytes.length - done);
      done += bytesWritten;
    }
  }
  datasync(): Promise<void> {
    return this.h.datasync();
  }
  fsync(): Promise<void> {
    return this.h.sync();
  }
  truncate(length: number): Promise<void> {
    return this.h.truncate(length);
  }
  async size(): Promise<number> {
    return (await this.h.stat()).size;
  }
  close(): Promise<void> {
    return this.h.close();
  }
}

export const nodeLogFiles: LogFiles = {
  async read(path) {
    try {
      return new Uint8Array(await readFile(path));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  },
  async openAppend(path) {
    return new HandleFile(await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o644));
  },
  async create(path) {
    return new HandleFile(await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_TRUNC, 0o644));
  },
  rename: (from, to) => rename(from, to),
  remove: (path) => rm(path, { force: true }),
  async syncDir(path) {
    const fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
  list: (dir) => readdir(dir),
  async exists(path) {
    try {
      await stat(path);
      return true;
    } catch {
      return false;
    }
  },
};
