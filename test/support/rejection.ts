import { DspError } from "../../src/errors.ts";

/** Awaits a promise that must reject with a DspError and returns that error (fails the test otherwise). */
export async function rejection(p: Promise<unknown>): Promise<DspError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DspError) return err;
    throw new Error(`expected a DspError, got ${String(err)}`);
  }
  throw new Error("expected a rejection, the promise resolved");
}
