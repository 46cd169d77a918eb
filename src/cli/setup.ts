/** Shared start of every command: configuration and logger, with errors turned into exit codes. */
import { readFileSync } from "node:fs";
import type { Config } from "../config/config.ts";
import { loadConfig } from "../config/load-config.ts";
import { isDspError } from "../errors.ts";
import { createLogger, type Logger } from "../log.ts";
import { EXIT } from "./exit-codes.ts";
import { syncLineWriter } from "../util/sync-writer.ts";

export class ExitError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function readConfig(envFile: string | undefined): { config: Config; warnings: string[] } {
  try {
    return loadConfig({ envFile, cwd: process.cwd(), env: process.env, readTextFile });
  } catch (err) {
    if (isDspError(err, "CONFIG_INVALID") || isDspError(err, "CONFIG_FILE_UNREADABLE")) {
      throw new ExitError(EXIT.CONFIG, err.message);
    }
    throw err;
  }
}

export function makeLogger(config: Config): Logger {
  return createLogger({ level: config.logLevel, format: config.logFormat, write: syncLineWriter(1) });
}

/** The .env file: a few kilobytes of configuration, read whole once at start. */
function readTextFile(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}
