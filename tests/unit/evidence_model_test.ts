import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type CellCounts,
  emptyCounts,
  LLR_CLIP,
  ratiosFromCounts,
  SMOOTHING,
  UNIFORM_SHARE,
} from "../../src/score/evidence_model.ts";

const levels = { typing: 10, bulk: 10, keySpread: 0.5, keyBimodality: 0.8 };

function countsOf(tempo: number[]): CellCounts {
  const counts = emptyCounts();
  tempo.forEach((n, i) => counts.tempo[i % counts.tempo.length] = n);
  return counts;
}

Deno.test("each ratio is ln(program share / person share), groups weighted equally, clipped (slow reference)", () => {
  const group = fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 20 });
  fc.assert(
    fc.property(
      fc.array(group, { minLength: 1, maxLength: 4 }),
      fc.array(group, { minLength: 1, maxLength: 4 }),
      (programs, people) => {
        const model = ratiosFromCounts(programs.map(countsOf), people.map(countsOf), levels);
        const cells = model.tempo.length;
        const share = (groups: number[][], cell: number) =>
          groups.reduce((sum, g) => {
            const counts = countsOf(g).tempo;
            const total = counts.reduce((a, b) => a + b, 0);
            return sum + (counts[cell]! + SMOOTHING) / (total + SMOOTHING * cells) / groups.length;
          }, 0);
        for (let cell = 0; cell < cells; cell += 7) {
          const p = (1 - UNIFORM_SHARE) * share(programs, cell) + UNIFORM_SHARE / cells;
          const expected = Math.max(
            -LLR_CLIP,
            Math.min(LLR_CLIP, Math.log(p / share(people, cell))),
          );
          assert.ok(Math.abs(model.tempo[cell]! - expected) < 1e-9, `cell ${cell}`);
        }
      },
    ),
    { numRuns: 50 },
  );
});

Deno.test("a cell people never use is evidence even when no known program used it", () => {
  const people = countsOf([1000, 1000]);
  const model = ratiosFromCounts([countsOf([0, 1000])], [people], levels);
  assert.ok(model.tempo[0]! < 0, "a cell people use and programs do not");
  assert.ok(model.tempo[50]! > 0, "a cell nobody used");
  assert.deepEqual(model.levels, levels);
});
