/**
 * The evidence model: for each cell of the five feature tables, the log
 * likelihood ratio (nats) of "a program" against "a person" for one input
 * falling in it, and the accumulated evidence at which a session alerts.
 *
 * Fitting (tools/calibrate.ts) counts cells over labelled sessions:
 * - a person's probability of a cell is its share among people's inputs
 *   (every corpus and variant weighted equally, add-α smoothed);
 * - a program's is a mixture: half the families' shares (every family
 *   weighted equally), half uniform over the table, so a cell people rarely
 *   produce is evidence even when no known family produced it;
 * - each ratio is clipped to ±{@linkcode LLR_CLIP} nats.
 * The levels of the evidence channels (evidence_accumulator.ts) are
 * then set from the people's sessions (tools/calibrate.ts).
 *
 * @module
 */
import type { EvidenceLevels } from "./evidence_accumulator.ts";
import {
  REACTION_CELLS,
  REGULARITY_CELLS,
  SKEW_CELLS,
  SPREAD_CELLS,
  TEMPO_CELLS,
} from "./evidence_features.ts";

/** Log likelihood ratios (nats) per cell and the alert level of the evidence. */
export interface EvidenceModel {
  /** Per tempo cell. */
  tempo: Float64Array;
  /** Per regularity cell. */
  regularity: Float64Array;
  /** Per reaction cell. */
  reaction: Float64Array;
  /** Per spread cell. */
  spread: Float64Array;
  /** Per skew cell. */
  skew: Float64Array;
  /** Evidence (nats) of each channel at which the score is 0.72. */
  levels: EvidenceLevels;
}

/** No ratio exceeds this many nats either way. */
export const LLR_CLIP = 6;
/** Share of the program density that is uniform over each table. */
export const UNIFORM_SHARE = 0.5;
/** Pseudo-count added to every cell. */
export const SMOOTHING = 0.5;

/** Cell counts of one labelled group of sessions (a family, a corpus variant). */
export interface CellCounts {
  tempo: Float64Array;
  regularity: Float64Array;
  reaction: Float64Array;
  spread: Float64Array;
  skew: Float64Array;
}

/** Empty counts. */
export function emptyCounts(): CellCounts {
  return {
    tempo: new Float64Array(TEMPO_CELLS),
    regularity: new Float64Array(REGULARITY_CELLS),
    reaction: new Float64Array(REACTION_CELLS),
    spread: new Float64Array(SPREAD_CELLS),
    skew: new Float64Array(SKEW_CELLS),
  };
}

/** Log ratios from per-group counts of programs and of people, with the given levels. */
export function ratiosFromCounts(
  programs: readonly CellCounts[],
  people: readonly CellCounts[],
  levels: EvidenceLevels,
): EvidenceModel {
  const table = (key: keyof CellCounts): Float64Array => {
    const cells = programs[0]?.[key].length ?? people[0]![key].length;
    const program = averageShare(programs.map((c) => c[key]), cells);
    const person = averageShare(people.map((c) => c[key]), cells);
    const out = new Float64Array(cells);
    for (let i = 0; i < cells; i++) {
      const p = (1 - UNIFORM_SHARE) * program[i]! + UNIFORM_SHARE / cells;
      const llr = Math.log(p / person[i]!);
      out[i] = Math.min(Math.max(llr, -LLR_CLIP), LLR_CLIP);
    }
    return out;
  };
  return {
    tempo: table("tempo"),
    regularity: table("regularity"),
    reaction: table("reaction"),
    spread: table("spread"),
    skew: table("skew"),
    levels,
  };
}

/** Mean over groups of each group's smoothed share per cell (uniform when there is no group). */
function averageShare(groups: readonly Float64Array[], cells: number): Float64Array {
  const share = new Float64Array(cells);
  if (groups.length === 0) return share.fill(1 / cells);
  for (const counts of groups) {
    let total = 0;
    for (let i = 0; i < cells; i++) total += counts[i]!;
    const denominator = total + SMOOTHING * cells;
    for (let i = 0; i < cells; i++) {
      share[i]! += (counts[i]! + SMOOTHING) / denominator / groups.length;
    }
  }
  return share;
}
