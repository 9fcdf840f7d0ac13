/**
 * One session's scoring state and its anomaly score: how much the session's
 * recent input looks like automation rather than a person at a keyboard.
 *
 * Features, over the last `window` inputs (O(1) per event, fixed memory):
 * - tempo spread: log2 deltas' standard deviation (Welford, with removal)
 *   and the span in octaves between the fastest and slowest delta
 *   (log-spaced histogram);
 * - entropy (bits) of the log-binned deltas;
 * - burst fraction: share of inputs arriving faster than typing (a chunk of
 *   `bulkBytes` or more, or less than `fastMs` after the previous input).
 *
 * Two kinds of evidence, each mapped so that 0.72 (the calibrated default
 * threshold) is exactly where it reaches its reference value:
 * - cadence: a machine keeps time. "Humanness" is the lower of the tempo
 *   spread (the larger of span/spanRef and sd/sdRef: both must be narrow)
 *   and entropy/entropyRef (a fixed cadence with a few exceptions still has
 *   low entropy); cadence score = 0.72 / humanness.
 * - burst: burst score = 0.72 × burstFraction / burstRef.
 * The score is the larger of the two, clamped to [0, 1]: a session is as
 * suspect as its strongest evidence. Before `minInputs` inputs the score is
 * 0 (too little evidence). Output events are counted but do not score.
 *
 * @module
 */
import { BurstPauseWindow } from "./burst_pause.ts";
import { type LogBinning, SlidingLogHistogram } from "./log_histogram.ts";
import { Welford } from "../stats/welford.ts";

/** Where each evidence scale puts the calibrated default threshold. */
export const SCORE_AT_REFERENCE = 0.72;

/** The scorer's constants; {@linkcode DEFAULT_SCORER_CONFIG} comes from `deno task calibrate`. */
export interface ScorerConfig {
  /** Inputs (and deltas) the sliding features look back over. */
  window: number;
  /** Inputs needed before the score leaves 0. */
  minInputs: number;
  /** Log-spaced bins of the delta histogram. */
  binning: LogBinning;
  /** Span (octaves) at which cadence evidence alone reaches 0.72. */
  spanRefOctaves: number;
  /** Log2-delta standard deviation at which cadence evidence reaches 0.72. */
  sdRefOctaves: number;
  /** Entropy (bits) at which cadence evidence reaches 0.72. */
  entropyRefBits: number;
  /** Burst fraction at which burst evidence reaches 0.72. */
  burstRef: number;
  /** An input of at least this many bytes is a burst. */
  bulkBytes: number;
  /** An input less than this many ms after the previous one is a burst. */
  fastMs: number;
  /** A gap of at least this many ms before an input is a pause. */
  pauseMs: number;
}

/** Calibrated defaults (see README.md, "Calibration"). */
export const DEFAULT_SCORER_CONFIG: Readonly<ScorerConfig> = Object.freeze({
  window: 64,
  minInputs: 20,
  binning: Object.freeze({ minMs: 1, binsPerOctave: 8, bins: 160 }),
  spanRefOctaves: 1.125,
  sdRefOctaves: 0.34,
  entropyRefBits: 0.8,
  burstRef: 0.5,
  bulkBytes: 4,
  fastMs: 5,
  pauseMs: 1000,
});

/** Deltas are clamped to this range (ms) before taking log2, so one huge gap stays finite. */
const DELTA_FLOOR_MS = 0.5;
const DELTA_CEILING_MS = 2 ** 24;

const TYPED_ARRAY_OVERHEAD_BYTES = 180;
const OBJECT_OVERHEAD_BYTES = 48;

/** The feature values behind a score, as carried by alerts. */
export interface ScoreFeatures {
  /** Input events seen. */
  inputs: number;
  /** Output events seen. */
  outputs: number;
  /** Deltas in the window. */
  window_deltas: number;
  /** Mean inter-input delta in the window, ms (geometric, from the log2 mean). */
  delta_geomean_ms: number;
  /** Standard deviation of log2 deltas in the window, octaves. */
  delta_log2_sd: number;
  /** Octaves between fastest and slowest delta in the window. */
  delta_span_octaves: number;
  /** Entropy of the log-binned deltas, bits. */
  delta_entropy_bits: number;
  /** Share of window inputs that are bursts. */
  burst_fraction: number;
  /** Bursts per burst-or-pause input. */
  burst_to_pause_ratio: number;
  /** Cadence evidence, [0, 1]. */
  cadence_score: number;
  /** Burst evidence, [0, 1]. */
  burst_score: number;
}

/** One session's state. Feed events in time order with {@linkcode SessionScorer.observe}. */
export class SessionScorer {
  readonly #config: ScorerConfig;
  readonly #logDeltas: Float64Array;
  readonly #welford = new Welford();
  readonly #histogram: SlidingLogHistogram;
  readonly #bursts: BurstPauseWindow;
  #next = 0;
  #inputs = 0;
  #outputs = 0;
  #lastInputT = Number.NaN;
  #cadence = 0;
  #burst = 0;

  /** @param config Scorer constants; default {@linkcode DEFAULT_SCORER_CONFIG}. */
  constructor(config: ScorerConfig = DEFAULT_SCORER_CONFIG) {
    this.#config = config;
    this.#logDeltas = new Float64Array(config.window);
    this.#histogram = new SlidingLogHistogram(config.window, config.binning);
    this.#bursts = new BurstPauseWindow(config.window, config);
  }

  /**
   * Takes one event and returns the session's score after it, in [0, 1].
   * `t` is in ms; a `t` earlier than the previous input counts as a zero
   * delta (the live clock is monotonic; traces are checked by the reader).
   * A non-finite `t` is refused with a RangeError before any state changes.
   */
  observe(t: number, dir: "in" | "out", bytes: number): number {
    if (!Number.isFinite(t)) {
      throw new RangeError(`Cannot score an event: t must be a finite number of ms, got ${t}`);
    }
    if (dir === "out") {
      this.#outputs += 1;
      return this.score;
    }
    const hadInput = this.#inputs > 0;
    const deltaMs = hadInput ? Math.max(t - this.#lastInputT, 0) : undefined;
    this.#inputs += 1;
    this.#lastInputT = t;
    this.#bursts.add(bytes, deltaMs);
    if (deltaMs !== undefined) this.#addDelta(deltaMs);
    this.#update();
    return this.score;
  }

  /** The current score, in [0, 1]. */
  get score(): number {
    return finiteScore(Math.max(this.#cadence, this.#burst));
  }

  /** Input events seen. */
  get inputs(): number {
    return this.#inputs;
  }

  /** Output events seen. */
  get outputs(): number {
    return this.#outputs;
  }

  /** The current feature values. */
  features(): ScoreFeatures {
    return {
      inputs: this.#inputs,
      outputs: this.#outputs,
      window_deltas: this.#welford.count,
      delta_geomean_ms: this.#welford.count === 0 ? 0 : 2 ** this.#welford.mean,
      delta_log2_sd: Math.sqrt(this.#welford.populationVariance),
      delta_span_octaves: this.#histogram.spanOctaves,
      delta_entropy_bits: this.#histogram.entropy(),
      burst_fraction: this.#bursts.burstFraction,
      burst_to_pause_ratio: this.#bursts.burstToPauseRatio,
      cadence_score: this.#cadence,
      burst_score: this.#burst,
    };
  }

  /** Estimated bytes of state of one scorer with this configuration. */
  static stateBytes(config: ScorerConfig = DEFAULT_SCORER_CONFIG): number {
    // Payload of the typed arrays holding the windows…
    const payload = config.window * 8 + config.window + config.binning.bins * 2 +
      config.window + 3 * 2;
    // …plus V8's per-typed-array and per-object overhead, fitted to what
    // bench/replay_bench.ts measures (heap + external per live scorer).
    const typedArrays = 5 * TYPED_ARRAY_OVERHEAD_BYTES;
    const objects = 5 * OBJECT_OVERHEAD_BYTES + 30 * 8;
    return payload + typedArrays + objects;
  }

  #addDelta(deltaMs: number): void {
    const clamped = Math.min(Math.max(deltaMs, DELTA_FLOOR_MS), DELTA_CEILING_MS);
    const logDelta = Math.log2(clamped);
    if (this.#welford.count === this.#logDeltas.length) {
      this.#welford.remove(this.#logDeltas[this.#next]!);
    }
    this.#welford.push(logDelta);
    this.#logDeltas[this.#next] = logDelta;
    this.#next = (this.#next + 1) % this.#logDeltas.length;
    this.#histogram.add(clamped);
  }

  #update(): void {
    const c = this.#config;
    if (this.#inputs < c.minInputs) {
      this.#cadence = 0;
      this.#burst = 0;
      return;
    }
    const spread = Math.max(
      this.#histogram.spanOctaves / c.spanRefOctaves,
      Math.sqrt(this.#welford.populationVariance) / c.sdRefOctaves,
    );
    const humanness = Math.min(
      spread,
      this.#histogram.entropy() / c.entropyRefBits,
    );
    // humanness 0 gives +Infinity, clamped to 1.
    this.#cadence = clamp01(SCORE_AT_REFERENCE / humanness);
    this.#burst = clamp01(
      SCORE_AT_REFERENCE * this.#bursts.burstFraction / c.burstRef,
    );
  }
}

/** The score used when a computation is not finite: 0, "no evidence", never NaN. */
export const NON_FINITE_SCORE = 0;

/** Clamps a score to [0, 1]; a NaN or infinite score becomes {@linkcode NON_FINITE_SCORE}. */
export function finiteScore(score: number): number {
  if (!Number.isFinite(score)) return NON_FINITE_SCORE;
  return clamp01(score);
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
