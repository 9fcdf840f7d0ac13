/**
 * The timing of a run of terminal inputs, summarised for telling typists
 * apart without content: fixed log-spaced histograms of the gaps between
 * inputs and of the jump from one gap to the next, the share of pauses, the
 * share of very fast gaps and the share of escape-sized inputs (3–4 bytes:
 * arrow and editing keys, a correction habit). Only times, byte counts and
 * the probe's shapes go in; nothing here can say which keys were pressed.
 * Consecutive pairs of gaps (both rhythm gaps) add sequence features: the
 * correlation of one log gap with the next (does a slow key follow a slow
 * key?), and how the pairs fall into a 3 × 3 grid of gap classes (fast,
 * medium, slow: which rhythm follows which). The shape adds one more: the
 * median gap after an input that ends with Enter, the pause before a new
 * line's first input.
 *
 * {@linkcode TimingWindow} keeps the last `capacity` inputs of a session and
 * updates in O(1) per input; {@linkcode timingFeatures} turns any summary into
 * a fixed-length feature vector in O(bins).
 *
 * @module
 */
import { InputShape } from "../score/input_shape.ts";

/** Gaps are binned by log10(ms) from this value… */
export const GAP_LOG_MIN = 0.5;
/** …to this one (3 ms to 31.6 s), values outside land in the end bins. */
export const GAP_LOG_MAX = 4.5;
/** Bins of the gap histogram (0.025 decade each). */
export const GAP_BINS = 160;
/** Jumps |Δ log10 gap| are binned from 0 to this value. */
export const JUMP_LOG_MAX = 2;
/** Bins of the jump histogram (0.025 decade each). */
export const JUMP_BINS = 80;
/** A gap at least this long (ms) is a pause, not typing. */
export const PAUSE_MS = 1000;
/** A gap shorter than this (ms) is a fast key roll. */
export const FAST_MS = 100;
/** The first gap bin that holds only pauses ({@linkcode PAUSE_MS} is a bin edge). */
export const PAUSE_BIN = Math.round(
  (Math.log10(PAUSE_MS) - GAP_LOG_MIN) / (GAP_LOG_MAX - GAP_LOG_MIN) * GAP_BINS,
);
/** The first gap bin at or above {@linkcode FAST_MS} (a bin edge). */
export const FAST_BIN = Math.round(
  (Math.log10(FAST_MS) - GAP_LOG_MIN) / (GAP_LOG_MAX - GAP_LOG_MIN) * GAP_BINS,
);
/** Gap classes of the pair grid: fast below the first edge (ms), slow from the second. */
export const PAIR_CLASS_EDGES_MS: readonly [number, number] = [125, 300];
/** Names of the gap classes of the pair grid. */
const PAIR_CLASSES = ["fast", "medium", "slow"];
/** Cells of the pair grid (earlier gap's class × 3 + later gap's class). */
export const PAIR_CELLS = PAIR_CLASSES.length ** 2;
/** Gaps longer than this (ms) stay out of the rhythm statistics (jumps, pairs). */
export const RHYTHM_MAX_MS = 3000;

/** Quantiles of log gaps used as features. */
export const GAP_QUANTILES: readonly number[] = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/** Quantiles of gap-to-gap jumps used as features. */
export const JUMP_QUANTILES: readonly number[] = [0.25, 0.5, 0.75, 0.9];

/** Names of the features, in vector order. */
export const FEATURE_NAMES: readonly string[] = [
  ...GAP_QUANTILES.map((q) => `gap_q${Math.round(q * 100)}`),
  ...JUMP_QUANTILES.map((q) => `jump_q${Math.round(q * 100)}`),
  "pause_share",
  "fast_share",
  "escape_share_sqrt",
  "gap_lag1_correlation",
  ...PAIR_CLASSES.flatMap((a) => PAIR_CLASSES.map((b) => `pair_${a}_${b}_share_sqrt`)),
  "after_enter_gap_median",
];

/** Length of a feature vector. */
export const FEATURE_COUNT = FEATURE_NAMES.length;

/** One input as timing sees it: when, how many bytes, what shape; never the bytes themselves. */
export interface TimedInput {
  /** Arrival time, ms (non-decreasing within a session). */
  t: number;
  /** Bytes in the input. */
  bytes: number;
  /** The probe's shape of the chunk (an {@linkcode InputShape} value); absent: not derived. */
  shape?: number;
}

/**
 * The sufficient statistics of a run of inputs: what features are computed
 * from. Counts only ever go up by one and back down, so integer arrays hold
 * them (half the bytes of doubles, per tracked session).
 */
export interface TimingSummary {
  /** Counts of gaps per log bin (length {@linkcode GAP_BINS}). */
  gapCounts: Uint32Array;
  /** Counts of jumps per bin (length {@linkcode JUMP_BINS}). */
  jumpCounts: Uint32Array;
  /** Inputs. */
  inputs: number;
  /** Escape-sized inputs (3–4 bytes). */
  escapes: number;
  /** Gaps of at least {@linkcode PAUSE_MS}. */
  pauses: number;
  /**
   * Sums over pairs of consecutive rhythm gaps (the pairs behind
   * `jumpCounts`), x the earlier gap's bin and y the later one's: x, y, x²,
   * y², xy. Bin indices are integers, so a sliding window's sums stay exact.
   */
  pairSums: Float64Array;
  /** Counts of those pairs per cell of the pair grid (length {@linkcode PAIR_CELLS}). */
  pairCells: Uint32Array;
  /**
   * Counts per gap bin of the gaps that end right after an Enter
   * (the pause before a new line's first input; length {@linkcode GAP_BINS}).
   */
  afterEnterCounts: Uint32Array;
}

/** Entries of {@linkcode TimingSummary.pairSums}. */
const PAIR_SUMS = 5;

/** An empty summary. */
export function emptyTimingSummary(): TimingSummary {
  return {
    gapCounts: new Uint32Array(GAP_BINS),
    jumpCounts: new Uint32Array(JUMP_BINS),
    inputs: 0,
    escapes: 0,
    pauses: 0,
    pairSums: new Float64Array(PAIR_SUMS),
    pairCells: new Uint32Array(PAIR_CELLS),
    afterEnterCounts: new Uint32Array(GAP_BINS),
  };
}

/** The gap bin of a gap in ms. */
export function gapBin(gapMs: number): number {
  const x = Math.log10(Math.max(gapMs, 1e-3));
  const i = Math.floor((x - GAP_LOG_MIN) / (GAP_LOG_MAX - GAP_LOG_MIN) * GAP_BINS);
  return Math.min(GAP_BINS - 1, Math.max(0, i));
}

/** The jump bin of |Δ log10 gap|. */
export function jumpBin(jump: number): number {
  const i = Math.floor(Math.abs(jump) / JUMP_LOG_MAX * JUMP_BINS);
  return Math.min(JUMP_BINS - 1, Math.max(0, i));
}

/** log10 of a gap in ms, floored at 1 ms so a zero gap stays finite. */
export function logGap(gapMs: number): number {
  return Math.log10(Math.max(gapMs, 1));
}

/** The class of a rhythm gap in the pair grid: 0 fast, 1 medium, 2 slow. */
export function pairClass(gapMs: number): number {
  return gapMs < PAIR_CLASS_EDGES_MS[0] ? 0 : gapMs < PAIR_CLASS_EDGES_MS[1] ? 1 : 2;
}

/** Whether an input of this size is escape-sized (an arrow or editing key). */
export function isEscapeSized(bytes: number): boolean {
  return bytes === 3 || bytes === 4;
}

/**
 * The quantile `q` of a histogram over [low, high) with equal-width bins,
 * interpolated linearly inside the bin; NaN when the histogram is empty.
 */
export function histogramQuantile(
  counts: ArrayLike<number>,
  q: number,
  low: number,
  high: number,
): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (total <= 0) return NaN;
  const width = (high - low) / counts.length;
  const target = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c > 0 && below + c >= target) {
      return low + width * (i + (target - below) / c);
    }
    below += c;
  }
  return high;
}

/**
 * The correlation of x and y from their count and sums (x, y, x², y², xy);
 * NaN with fewer than 3 pairs or no spread on either side.
 */
export function pairCorrelation(n: number, sums: ArrayLike<number>): number {
  if (!(n >= 3)) return NaN;
  const [sx, sy, sxx, syy, sxy] = [sums[0]!, sums[1]!, sums[2]!, sums[3]!, sums[4]!];
  const vx = n * sxx - sx * sx;
  const vy = n * syy - sy * sy;
  if (!(vx > 0 && vy > 0)) return NaN;
  return Math.max(-1, Math.min(1, (n * sxy - sx * sy) / Math.sqrt(vx * vy)));
}

/**
 * The feature vector of a summary (order of {@linkcode FEATURE_NAMES}).
 * Entries are NaN where the summary has too little to say (no gaps, no
 * rhythm pairs); distances skip those.
 */
export function timingFeatures(summary: TimingSummary): Float64Array {
  const out = new Float64Array(FEATURE_COUNT);
  let k = 0;
  for (const q of GAP_QUANTILES) {
    out[k++] = histogramQuantile(summary.gapCounts, q, GAP_LOG_MIN, GAP_LOG_MAX);
  }
  for (const q of JUMP_QUANTILES) {
    out[k++] = histogramQuantile(summary.jumpCounts, q, 0, JUMP_LOG_MAX);
  }
  let gaps = 0;
  let fast = 0;
  summary.gapCounts.forEach((c, i) => {
    gaps += c;
    if (i < FAST_BIN) fast += c;
  });
  out[k++] = gaps > 0 ? summary.pauses / gaps : NaN;
  out[k++] = gaps > 0 ? fast / gaps : NaN;
  out[k++] = summary.inputs > 0 ? Math.sqrt(summary.escapes / summary.inputs) : NaN;
  let pairs = 0;
  for (const c of summary.jumpCounts) pairs += c;
  out[k++] = pairCorrelation(pairs, summary.pairSums);
  // The square root evens out the spread of rare and common cells.
  for (const c of summary.pairCells) out[k++] = pairs > 0 ? Math.sqrt(c / pairs) : NaN;
  out[k++] = histogramQuantile(summary.afterEnterCounts, 0.5, GAP_LOG_MIN, GAP_LOG_MAX);
  return out;
}

/**
 * The last `capacity` inputs of a session as a {@linkcode TimingSummary},
 * updated in O(1) per input: each input's contribution is kept in a ring and
 * taken back out when it leaves the window.
 */
export class TimingWindow {
  readonly #capacity: number;
  readonly #summary = emptyTimingSummary();
  // Per slot: its gap bin, jump bin (-1: none), the earlier gap's bin and
  // the grid cell of its pair (when it has a jump), whether it was escape-sized,
  // whether its gap followed an Enter.
  readonly #gapBin: Int16Array;
  readonly #jumpBin: Int16Array;
  readonly #pairBin: Int16Array;
  readonly #escape: Uint8Array;
  readonly #pairCell: Uint8Array;
  readonly #afterEnter: Uint8Array;
  #next = 0;
  #size = 0;
  #lastT = NaN;
  #lastRhythmLog = NaN;
  #lastRhythmBin = -1;
  #lastRhythmClass = 0;
  #lastWasEnter = false;
  #total = 0;

  /** A window of at most `capacity` inputs (≥ 2). */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) {
      throw new RangeError(
        `Cannot create a timing window: capacity must be an integer ≥ 2, got ${capacity}`,
      );
    }
    this.#capacity = capacity;
    this.#gapBin = new Int16Array(capacity);
    this.#jumpBin = new Int16Array(capacity);
    this.#pairBin = new Int16Array(capacity);
    this.#escape = new Uint8Array(capacity);
    this.#pairCell = new Uint8Array(capacity);
    this.#afterEnter = new Uint8Array(capacity);
  }

  /** Inputs in the window now. */
  get size(): number {
    return this.#size;
  }

  /** Inputs seen since creation. */
  get total(): number {
    return this.#total;
  }

  /** The window's summary (live view: copy it to keep it). */
  get summary(): TimingSummary {
    return this.#summary;
  }

  /** Adds one input (times non-decreasing). */
  push(input: TimedInput): void {
    if (this.#size === this.#capacity) this.#evict(this.#next);
    else this.#size++;
    const slot = this.#next;
    this.#next = (this.#next + 1) % this.#capacity;
    this.#total++;
    const s = this.#summary;
    s.inputs++;
    const escape = isEscapeSized(input.bytes) ? 1 : 0;
    s.escapes += escape;
    this.#escape[slot] = escape;
    this.#gapBin[slot] = -1;
    this.#jumpBin[slot] = -1;
    this.#afterEnter[slot] = 0;
    const gap = input.t - this.#lastT;
    this.#lastT = input.t;
    const afterEnter = this.#lastWasEnter;
    this.#lastWasEnter = input.shape === InputShape.ENTER;
    if (!(gap >= 0)) {
      this.#lastRhythmLog = NaN;
      return;
    }
    const bin = gapBin(gap);
    this.#gapBin[slot] = bin;
    s.gapCounts[bin]!++;
    if (bin >= PAUSE_BIN) s.pauses++;
    if (afterEnter) {
      this.#afterEnter[slot] = 1;
      s.afterEnterCounts[bin]!++;
    }
    if (gap > RHYTHM_MAX_MS) {
      this.#lastRhythmLog = NaN;
      return;
    }
    const y = logGap(gap);
    const x = this.#lastRhythmLog;
    const earlierBin = this.#lastRhythmBin;
    const earlierClass = this.#lastRhythmClass;
    this.#lastRhythmLog = y;
    this.#lastRhythmBin = bin;
    this.#lastRhythmClass = pairClass(gap);
    if (Number.isNaN(x)) return;
    const jb = jumpBin(y - x);
    this.#jumpBin[slot] = jb;
    s.jumpCounts[jb]!++;
    this.#pairBin[slot] = earlierBin;
    addPair(s.pairSums, earlierBin, bin, 1);
    const cell = earlierClass * PAIR_CLASSES.length + this.#lastRhythmClass;
    this.#pairCell[slot] = cell;
    s.pairCells[cell]!++;
  }

  #evict(slot: number): void {
    const s = this.#summary;
    s.inputs--;
    s.escapes -= this.#escape[slot]!;
    const bin = this.#gapBin[slot]!;
    if (bin >= 0) {
      s.gapCounts[bin]!--;
      if (bin >= PAUSE_BIN) s.pauses--;
      if (this.#afterEnter[slot] === 1) s.afterEnterCounts[bin]!--;
    }
    const jb = this.#jumpBin[slot]!;
    if (jb >= 0) {
      s.jumpCounts[jb]!--;
      addPair(s.pairSums, this.#pairBin[slot]!, bin, -1);
      s.pairCells[this.#pairCell[slot]!]!--;
    }
  }
}

/** Adds (sign 1) or takes out (sign -1) one pair of gap bins from the pair sums. */
function addPair(sums: Float64Array, x: number, y: number, sign: number): void {
  sums[0]! += sign * x;
  sums[1]! += sign * y;
  sums[2]! += sign * x * x;
  sums[3]! += sign * y * y;
  sums[4]! += sign * x * y;
}
