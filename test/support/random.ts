/**
 * A small seeded generator (mulberry32) for tests that must be replayable from a printed seed:
 * the same seed gives the same sequence on every machine.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from the environment variable `name` if set, else a random one. */
export function seedFrom(name: string): number {
  const v = process.env[name];
  return v !== undefined && v !== "" ? Number(v) : Math.floor(Math.random() * 2 ** 31);
}
