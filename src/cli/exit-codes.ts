/** Exit codes of the dsp binary (documented in the README; scripts and cron wrappers rely on them). */
export const EXIT = {
  /** Success, or `dsp run` found another instance running (cron may start it every minute). */
  OK: 0,
  /** A fatal runtime error: bucket missing or forbidden, state folder unusable, internal error. */
  FATAL: 1,
  /** The configuration (.env or environment) is invalid; the message names the key. */
  CONFIG: 2,
  /** `dsp run --once` finished, but some files failed (see the log). */
  FILES_FAILED: 3,
} as const;
