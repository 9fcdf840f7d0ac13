/**
 * One session's scoring state and its anomaly score: the strength of the
 * evidence that a program, not a person, is writing the session's input.
 *
 * Each input's evidence is the sum of the log likelihood ratios (nats) of
 * its five feature cells (evidence_features.ts) in the evidence model; it
 * accumulates in two channels (evidence_accumulator.ts): keys in a bounded
 * window, lines and pastes in a CUSUM that keys relieve; two more judge the
 * long-run spread and bimodality of the key gaps. With L the strongest
 * channel in units of its calibrated level, the score is
 * 1 − 0.28^L: 0 with no evidence, exactly 0.72 at the level (the default
 * threshold), below 1 always. A held key's repeats are skipped (one
 * gesture); outputs add no evidence but time the next input's reaction.
 *
 * @module
 */
import { DEFAULT_EVIDENCE_MODEL } from "./evidence_tables.ts";
import { EvidenceAccumulator, TYPING_WINDOW } from "./evidence_accumulator.ts";
import { type EvidenceCells, EvidenceFeatures, SKIPPED } from "./evidence_features.ts";
import type { EvidenceModel } from "./evidence_model.ts";
import { Gesture, isBulk } from "./gesture.ts";
import { InputShape } from "./input_shape.ts";

/** Score at which the evidence equals a channel's level: the default alert threshold. */
export const SCORE_AT_LEVEL = 0.72;

const TYPED_ARRAY_OVERHEAD_BYTES = 180;
const OBJECT_OVERHEAD_BYTES = 48;

const GESTURE_NAMES = Object.fromEntries(
  Object.entries(Gesture).map(([name, value]) => [value, name.toLowerCase()]),
) as Record<Gesture, string>;

/** The feature values behind a score, as carried by alerts. */
export interface ScoreFeatures {
  /** Input events seen. */
  inputs: number;
  /** Output events seen. */
  outputs: number;
  /** Typing channel: evidence of the last keys, nats. */
  typing_evidence_nats: number;
  /** Its level (score 0.72), nats. */
  typing_level_nats: number;
  /** Bulk channel: evidence of lines and pastes written at once, nats. */
  bulk_evidence_nats: number;
  /** Its level (score 0.72), nats. */
  bulk_level_nats: number;
  /** Evenness channel: the long-run spread of key gaps within lines, octaves; null until measured. */
  key_spread_octaves: number | null;
  /** Its level (score 0.72 at and below it), octaves. */
  key_spread_level_octaves: number;
  /** Bimodality channel: the long-run bimodality coefficient of the same key gaps; null until measured. */
  key_bimodality: number | null;
  /** Its level (score 0.72 at and above it). */
  key_bimodality_level: number;
  /** The last input's evidence from its gesture and gap, nats. */
  last_tempo_nats: number;
  /** …from its gap repeating earlier gaps, nats. */
  last_regularity_nats: number;
  /** …from its timing against the session's output, nats. */
  last_reaction_nats: number;
  /** …from how widely the recent key gaps vary, nats. */
  last_spread_nats: number;
  /** …from where its gap falls among the recent key gaps, nats. */
  last_skew_nats: number;
  /** The last input's gesture. */
  last_gesture: string;
  /** Lines and pastes written at once. */
  bulk_inputs: number;
  /** Held-key runs recognised (each one gesture). */
  held_key_runs: number;
}

/** One session's state. Feed events in time order with {@linkcode SessionScorer.observe}. */
export class SessionScorer {
  readonly #model: EvidenceModel;
  readonly #features = new EvidenceFeatures();
  readonly #evidence = new EvidenceAccumulator();
  readonly #cells: EvidenceCells = {
    tempo: 0,
    regularity: 0,
    reaction: 0,
    spread: 0,
    skew: 0,
    gesture: Gesture.KEY,
  };
  #inputs = 0;
  #outputs = 0;
  #bulkInputs = 0;
  #lastSkipped = false;

  /** @param model Evidence model; default the calibrated {@linkcode DEFAULT_EVIDENCE_MODEL}. */
  constructor(model: EvidenceModel = DEFAULT_EVIDENCE_MODEL) {
    this.#model = model;
  }

  /**
   * Takes one event and returns the session's score after it, in [0, 1).
   * `t` is in ms; a `t` earlier than the previous input counts as a zero
   * gap (the live clock is monotonic; traces are checked by the reader).
   * `shape` is the probe's {@linkcode InputShape} of an input (UNKNOWN when
   * not known). A non-finite `t` is refused with a RangeError before any
   * state changes.
   */
  observe(t: number, dir: "in" | "out", bytes: number, shape: number = InputShape.UNKNOWN): number {
    if (!Number.isFinite(t)) {
      throw new RangeError(`Cannot score an event: t must be a finite number of ms, got ${t}`);
    }
    if (dir === "out") {
      this.#outputs += 1;
      this.#features.output(t, bytes);
      return this.score;
    }
    this.#inputs += 1;
    const cells = this.#cells;
    this.#features.input(t, bytes, shape, cells);
    const bulk = isBulk(cells.gesture);
    if (bulk) this.#bulkInputs += 1;
    this.#evidence.setKeyGaps(this.#features.keySpread, this.#features.keyBimodality);
    this.#lastSkipped = cells.tempo === SKIPPED;
    if (this.#lastSkipped) return this.score;
    const model = this.#model;
    // The skew judges keys only: a line or paste adds nothing from it.
    this.#evidence.add(
      model.tempo[cells.tempo]! + model.regularity[cells.regularity]! +
        model.reaction[cells.reaction]! + model.spread[cells.spread]! +
        (bulk ? 0 : model.skew[cells.skew]!),
      bulk,
      model.levels,
    );
    return this.score;
  }

  /** The current score, in [0, 1). */
  get score(): number {
    return scoreOfLevel(this.#evidence.level(this.#model.levels));
  }

  /** Input events seen. */
  get inputs(): number {
    return this.#inputs;
  }

  /** Output events seen. */
  get outputs(): number {
    return this.#outputs;
  }

  /** Estimated bytes of state of one scorer (checked by bench/replay_bench.ts). */
  static stateBytes(): number {
    // The typed array of the typing window, plus V8's per-typed-array and
    // per-object overhead and about 53 numeric fields in five objects.
    return TYPING_WINDOW * 4 + TYPED_ARRAY_OVERHEAD_BYTES + 5 * OBJECT_OVERHEAD_BYTES + 53 * 8;
  }

  /** The current feature values. */
  features(): ScoreFeatures {
    const model = this.#model;
    const cells = this.#cells;
    const skipped = this.#lastSkipped;
    return {
      inputs: this.#inputs,
      outputs: this.#outputs,
      typing_evidence_nats: this.#evidence.typing,
      typing_level_nats: model.levels.typing,
      bulk_evidence_nats: this.#evidence.bulk,
      bulk_level_nats: model.levels.bulk,
      key_spread_octaves: Number.isNaN(this.#evidence.keySpread) ? null : this.#evidence.keySpread,
      key_spread_level_octaves: model.levels.keySpread,
      key_bimodality: Number.isNaN(this.#evidence.keyBimodality)
        ? null
        : this.#evidence.keyBimodality,
      key_bimodality_level: model.levels.keyBimodality,
      last_tempo_nats: skipped ? 0 : model.tempo[cells.tempo] ?? 0,
      last_regularity_nats: skipped ? 0 : model.regularity[cells.regularity] ?? 0,
      last_reaction_nats: skipped ? 0 : model.reaction[cells.reaction] ?? 0,
      last_spread_nats: skipped ? 0 : model.spread[cells.spread] ?? 0,
      last_skew_nats: skipped || isBulk(cells.gesture) ? 0 : model.skew[cells.skew] ?? 0,
      last_gesture: GESTURE_NAMES[cells.gesture],
      bulk_inputs: this.#bulkInputs,
      held_key_runs: this.#features.heldRuns,
    };
  }
}

/**
 * The score of evidence at `level` times a channel's level:
 * 1 − 0.28^level, so exactly 0.72 at the level; 0 for no, negative or
 * non-finite evidence.
 */
export function scoreOfLevel(level: number): number {
  if (!(level > 0) || !Number.isFinite(level)) return 0;
  return 1 - (1 - SCORE_AT_LEVEL) ** level;
}

/**
 * The evidence, in units of a channel's level, at which the score is
 * `score`: the inverse of {@linkcode scoreOfLevel} on (0, 1).
 */
export function levelOfScore(score: number): number {
  return Math.log(1 - score) / Math.log(1 - SCORE_AT_LEVEL);
}
