import assert from "node:assert/strict";
import fc from "fast-check";
import { Xoshiro128 } from "../../src/response/xoshiro128.ts";

const MASK = (1n << 32n) - 1n;

function rotl(x: bigint, k: bigint): bigint {
  return ((x << k) | (x >> (32n - k))) & MASK;
}

/** xoshiro128++ transcribed from the published C, in BigInt: slow but plainly right. */
function referenceOutputs(seed: number[], count: number): number[] {
  const s = seed.map((word) => BigInt(word));
  const outputs: number[] = [];
  for (let i = 0; i < count; i++) {
    const result = (rotl((s[0]! + s[3]!) & MASK, 7n) + s[0]!) & MASK;
    const t = (s[1]! << 9n) & MASK;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s[1]!;
    s[1] = s[1]! ^ s[2]!;
    s[0] = s[0]! ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11n);
    outputs.push(Number(result));
  }
  return outputs;
}

const word = fc.integer({ min: 0, max: 0xffff_ffff });
const nonZeroSeed = fc.tuple(word, word, word, word).filter((seed) => seed.some((w) => w !== 0));

Deno.test("xoshiro128++ matches the BigInt reference for seed 1,2,3,4", () => {
  const rng = new Xoshiro128(Uint32Array.of(1, 2, 3, 4));
  const expected = referenceOutputs([1, 2, 3, 4], 16);
  assert.deepEqual(expected.map(() => rng.nextUint32()), expected);
});

Deno.test("xoshiro128++ matches the BigInt reference for any non-zero seed", () => {
  fc.assert(
    fc.property(nonZeroSeed, (seed) => {
      const rng = new Xoshiro128(Uint32Array.from(seed));
      const expected = referenceOutputs(seed, 40);
      assert.deepEqual(expected.map(() => rng.nextUint32()), expected);
    }),
  );
});

Deno.test("xoshiro128++ nextFloat builds a double in [0, 1) from two words", () => {
  fc.assert(
    fc.property(nonZeroSeed, (seed) => {
      const rng = new Xoshiro128(Uint32Array.from(seed));
      const [a, b] = referenceOutputs(seed, 2) as [number, number];
      const expected = ((a >>> 5) * 2 ** 26 + (b >>> 6)) / 2 ** 53;
      const value = rng.nextFloat();
      assert.equal(value, expected);
      assert.ok(value >= 0 && value < 1);
    }),
  );
});

Deno.test("xoshiro128++ copies its seed instead of sharing it", () => {
  const seed = Uint32Array.of(9, 8, 7, 6);
  const rng = new Xoshiro128(seed);
  rng.nextUint32();
  assert.deepEqual([...seed], [9, 8, 7, 6]);
});

Deno.test("xoshiro128++ rejects an all-zero seed and a seed of the wrong length", () => {
  assert.throws(() => new Xoshiro128(new Uint32Array(4)), /all zero/);
  assert.throws(() => new Xoshiro128(new Uint32Array(3)), RangeError);
});

Deno.test("xoshiro128++ seeded from the OS gives different streams", () => {
  const a = Xoshiro128.fromOsEntropy();
  const b = Xoshiro128.fromOsEntropy();
  const streamA = Array.from({ length: 4 }, () => a.nextUint32());
  const streamB = Array.from({ length: 4 }, () => b.nextUint32());
  assert.notDeepEqual(streamA, streamB);
});
