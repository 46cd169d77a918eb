/**
 * Leveled logger writing one line per event: readable text or JSON (DSP_LOG_FORMAT). Every line
 * carries a timestamp and level; callers add fields (file, key, size, duration_ms, error code and
 * details). The sink and clock are injected so tests can capture lines.
 */
import type { LogFormat, LogLevel } from "./config/schema.ts";

export type Fields = Record<string, string | number | boolean | undefined | null>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  enabled(level: LogLevel): boolean;
}

const RANK: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 };

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  write: (line: string) => void;
  now?: () => Date;
}

export function createLogger(opts: LoggerOptions): Logger {
  const min = RANK[opts.level];
  const now = opts.now ?? (() => new Date());
  const emit = (level: LogLevel, msg: string, fields: Fields = {}) => {
    if (RANK[level] < min) return;
    const ts = now().toISOString();
    opts.write(opts.format === "json" ? jsonLine(ts, level, msg, fields) : textLine(ts, level, msg, fields));
  };
  return {
    debug: (m, f) => emit("DEBUG", m, f),
    info: (m, f) => emit("INFO", m, f),
    warn: (m, f) => emit("WARN", m, f),
    error: (m, f) => emit("ERROR", m, f),
    enabled: (level) => RANK[level] >= min,
  };
}

function jsonLine(ts: string, level: LogLevel, msg: string, fields: Fields): string {
  const record: Record<string, unknown> = { ts, level, msg };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) record[k] = v;
  return JSON.stringify(record) + "\n";
}

function textLine(ts: string, level: LogLevel, msg: string, fields: Fields): string {
  let line = `${ts} ${level.padEnd(5)} ${msg}`;
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    line += ` ${k}=${quote(String(v))}`;
  }
  return line + "\n";
}

/** Values with spaces, quotes or newlines are quoted so a line stays one line and splits cleanly. */
function quote(v: string): string {
  return v === "" || /[\s"=\\]/.test(v) ? JSON.stringify(v) : v;
}

/** A logger that drops everything (for tools and tests that do not care). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  enabled: () => false,
};
