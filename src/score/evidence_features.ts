/**
 * The per-input evidence features of one session, O(1) time and fixed state
 * per event. Each input becomes five cells, one per feature table of the
 * evidence model (evidence_model.ts):
 * - tempo: the input's gesture × the octave of its gap since the previous
 *   input;
 * - regularity: how closely the gap repeats one of the three gaps before
 *   it (log2 ratio, 7 bins) × the gap's band (faster than keys, typing,
 *   slower) × whether the gesture is the same as the previous input's;
 * - reaction: whether the session wrote output since its previous input,
 *   whether that output was more than an echo, how soon after it this input
 *   came, and whether that was much sooner than the gap between inputs (a
 *   program answering its prompt);
 * - spread: how widely the recent key gaps vary (exponentially weighted
 *   standard deviation of log2 gaps, weight 1/8, gaps under 3 s) × their
 *   typical speed: a person's tempo wanders, a timer's does not;
 * - skew: the skewness of the key gaps within lines (Kelly's, from running
 *   10th, 50th and 90th percentiles of log2 gaps; src/stats/running_skew.ts)
 *   × their range, for keys only: a person's slow keys stretch further
 *   from the median than the fast ones; a program drawing each delay from
 *   a uniform, normal or gamma distribution does the opposite. Gaps after
 *   Enter, a line or a paste, and pauses, are left out: think time is not
 *   typing.
 *
 * Those same key gaps within lines also give two statistics that are not
 * cells, over about the last {@linkcode LONG_RUN_HORIZON} of them, from
 * {@linkcode LONG_RUN_MIN_GAPS} on, which two channels of the evidence
 * accumulator judge against their own levels: their long-run spread
 * ({@linkcode EvidenceFeatures.keySpread}, the standard deviation of log2
 * gaps: over a whole stretch of typing a person's key gaps vary more than
 * a program's drawn from one narrow law, though for a few dozen keys they
 * can be as even) and their bimodality
 * ({@linkcode EvidenceFeatures.keyBimodality}, Sarle's coefficient of log2
 * gaps: a person's fast and slow keys make one lopsided hump, a program
 * drawing from two narrow modes makes two).
 *
 * Held keys are one gesture: once a key's autorepeat is recognised (a
 * 150–800 ms repeat delay, then a 5–110 ms gap (a period, or a jittered one), the two repeats of one
 * repeat group; or the repeat delay one gap earlier when jitter squeezed the
 * first repeat against the key), its repeats are skipped until the run
 * breaks: a different gesture (Enter ends every command line) or a gap off
 * the key's beat (more than 20 ms from a whole number of periods, the
 * period being the run's time over its repeats so far, counted in the
 * key's own size: a 20 ms clock turns a 33 ms period into gaps of 20 and
 * 40 ms that each sit within 13 ms of it, and coalesced keys or a paste-sized
 * chunk may carry several repeats a network stall held back); a glitch (a repeat off the
 * beat, repeats delivered as one chunk) lets the run resume from that very
 * input when its gap is in the period band (as a new period), never from
 * a later one: a program whose delays are drawn at random would otherwise
 * resume after every long draw and never show a repeat delay again.
 *
 * @module
 */
import { HorizonMoments } from "../stats/horizon_moments.ts";
import { RunningSkew, type RunningSkewOptions } from "../stats/running_skew.ts";
import {
  ANY_REPEAT_GROUP,
  Gesture,
  gestureOf,
  GESTURES,
  isBulk,
  PASTE_MIN_BYTES,
  repeatGroup,
  repeatsGroup,
} from "./gesture.ts";

/** Octave bins of the gap before an input, plus bin 0 for the first input. */
export const TEMPO_GAP_BINS = 19;
/** Cells of the tempo table. */
export const TEMPO_CELLS = GESTURES * TEMPO_GAP_BINS;
/**
 * Upper edges (octaves of log2 ratio) of the regularity bins; the last bin
 * is open. The first bin is exact equality (to the µs, as a clock that
 * quantises gives); a timer's slack lands in the second.
 */
export const REGULARITY_EDGES = [1e-6, 0.003, 0.01, 0.03, 0.1, 0.3] as const;
/** Gap bands of the regularity table: < 15 ms, < 120 ms, slower. */
export const REGULARITY_BAND_EDGES_MS = [15, 120] as const;
/** Cells of the regularity table (cell 0: no earlier gap to compare). */
export const REGULARITY_CELLS = 1 + (REGULARITY_EDGES.length + 1) * 3 * 2;
/** Upper edges (ms) of the reaction latency bins; the last bin is open. */
export const REACTION_EDGES_MS = [1, 4, 16, 64, 256, 1024] as const;
/** Cells of the reaction table (cell 0: no output since the previous input). */
export const REACTION_CELLS = 1 + (REACTION_EDGES_MS.length + 1) * 2 * 2;

/** Upper edges (octaves) of the spread bins; the last bin is open. */
export const SPREAD_EDGES = [0.05, 0.1, 0.2, 0.3, 0.45, 0.6] as const;
/** Upper edges (ms) of the spread's speed bands; the last band is open. */
export const SPREAD_SPEED_EDGES_MS = [30, 100, 300] as const;
/** Cells of the spread table (cell 0: fewer than {@linkcode SPREAD_MIN_GAPS} gaps yet, or a line or paste). */
export const SPREAD_CELLS = 1 + (SPREAD_EDGES.length + 1) * (SPREAD_SPEED_EDGES_MS.length + 1);
const SPREAD_VARIANCE_EDGES = SPREAD_EDGES.map((edge) => edge * edge);
const SPREAD_SPEED_LOG2_EDGES = SPREAD_SPEED_EDGES_MS.map((edge) => Math.log2(edge));
/** Key gaps the spread needs before it has a cell. */
export const SPREAD_MIN_GAPS = 6;
/** Weight of each new gap in the spread. */
export const SPREAD_WEIGHT = 1 / 8;
/** Gaps at least this long are pauses, not typing, and leave the spread alone. */
export const SPREAD_PAUSE_MS = 3000;

/**
 * Upper edges of the skew's bins: ((p90 − p50) − (p50 − p10)) / (p90 − p10)
 * of the running percentiles; the last bin is open.
 */
export const SKEW_EDGES = [-0.4, -0.2, -0.1, 0, 0.1, 0.2, 0.4] as const;
/** Upper edges (octaves) of the skew's range bands (p90 − p10); the last band is open. */
export const SKEW_RANGE_EDGES = [0.5, 1, 2] as const;
/** Cells of the skew table (cell 0: no spread cell, or fewer than {@linkcode SKEW_MIN_GAPS} gaps). */
export const SKEW_CELLS = 1 + (SKEW_EDGES.length + 1) * (SKEW_RANGE_EDGES.length + 1);
/** Key gaps the skew needs before it has a cell. */
export const SKEW_MIN_GAPS = 16;
/** The running percentiles of the skew (src/stats/running_skew.ts), in octaves of gap. */
export const SKEW_PERCENTILES: Readonly<RunningSkewOptions> = Object.freeze({
  step: 0.05,
  minRange: 0.05,
  startHalfRange: 0.75,
});

/**
 * Key gaps within lines the long-run statistics need before they are
 * measured: fewer leave a person's even stretch of a few dozen keys looking
 * like a program's whole session.
 */
export const LONG_RUN_MIN_GAPS = 100;
/** The long-run statistics weigh about this many recent key gaps within lines. */
export const LONG_RUN_HORIZON = 256;

/** Repeat delay before a held key's first repeat, ms. */
export const HELD_DELAY_MS = [150, 800] as const;
/** Autorepeat period range, ms (up to about 9 Hz; from 5 ms, as network jitter squeezes a repeat). */
export const HELD_PERIOD_MS = [5, 110] as const;

/** A broken run resumes within this many inputs from a gap of its period band. */
export const HELD_RESUME_INPUTS = 1;
/** Slack on a repeat's beat, ms (a late repeat, network jitter, a 20 ms clock). */
export const HELD_SLACK_MS = 20;

/** A skipped input (an output event, or a held key's repeat) has no cells. */
export const SKIPPED = -1;

/** One input's cells, or {@linkcode SKIPPED} in `tempo`. */
export interface EvidenceCells {
  tempo: number;
  regularity: number;
  reaction: number;
  spread: number;
  skew: number;
  /** The input's gesture. */
  gesture: Gesture;
}

/** Per-session feature state. Feed events in time order. */
export class EvidenceFeatures {
  #lastInT = Number.NaN;
  #lastOutT = Number.NaN;
  #outBytes = 0;
  #lastInBytes = 0;
  #gap1 = Number.NaN;
  /** The gap and repeat group one input further back (a first repeat squeezed by jitter). */
  #gap2 = Number.NaN;
  #group2 = 0;
  /** log2(gap + 0.1 ms) of the last three gaps, newest first. */
  #log1 = Number.NaN;
  #log2 = Number.NaN;
  #log3 = Number.NaN;
  #gesture: Gesture | undefined;
  #group1 = 0;
  /** The run's mean period so far: its elapsed time over its repeats. */
  #heldPeriod = 0;
  #heldElapsed = 0;
  #heldRepeats = 0;
  #heldGroup = 0;
  /** Bytes of one repeat of the held key (an arrow's escape sequence is 3). */
  #heldUnit = 1;
  /** Inputs in the run so far (a chunk may carry several repeats); 0: no run. */
  #heldInputs = 0;
  #sinceHeld = Infinity;
  #heldRuns = 0;
  #spreadMean = 0;
  #spreadVariance = 0;
  #spreadGaps = 0;
  readonly #skew = new RunningSkew(SKEW_PERCENTILES);
  readonly #lineKeyGaps = new HorizonMoments(LONG_RUN_HORIZON);
  // Kept as computed when a gap comes, not per read: most inputs read them unchanged.
  #keySpread = Number.NaN;
  #keyBimodality = Number.NaN;

  /** Held-key runs recognised so far. */
  get heldRuns(): number {
    return this.#heldRuns;
  }

  /**
   * The long-run spread of the key gaps within lines: the standard deviation
   * of their log2 over about the last {@linkcode LONG_RUN_HORIZON}, in
   * octaves; NaN until {@linkcode LONG_RUN_MIN_GAPS} have come.
   */
  get keySpread(): number {
    return this.#keySpread;
  }

  /**
   * The bimodality of the key gaps within lines: Sarle's coefficient of
   * their log2 over about the last {@linkcode LONG_RUN_HORIZON}; NaN until
   * {@linkcode LONG_RUN_MIN_GAPS} have come.
   */
  get keyBimodality(): number {
    return this.#keyBimodality;
  }

  /** Records an output event (`t` in ms). */
  output(t: number, bytes: number): void {
    this.#lastOutT = t;
    this.#outBytes += bytes;
  }

  /**
   * Takes an input event and writes its cells into `cells`; `tempo` is
   * {@linkcode SKIPPED} for a held key's repeat. `t` earlier than the
   * previous input counts as a zero gap.
   */
  input(t: number, bytes: number, shape: number, cells: EvidenceCells): void {
    const first = Number.isNaN(this.#lastInT);
    const gap = first ? Number.NaN : Math.max(t - this.#lastInT, 0);
    const gesture = gestureOf(shape, bytes, this.#gesture);
    const group = repeatGroup(gesture);
    cells.gesture = gesture;
    if (this.#held(gap, group, bytes)) {
      cells.tempo = SKIPPED;
      cells.regularity = 0;
      cells.reaction = 0;
      cells.spread = 0;
      cells.skew = 0;
    } else {
      const octaves = first ? 0 : gapLog2(gap);
      cells.tempo = gesture * TEMPO_GAP_BINS + (first ? 0 : 1 + octaveOf(octaves));
      cells.regularity = first ? 0 : this.#regularityCell(gap, gesture);
      cells.reaction = this.#reactionCell(t, gap);
      const bulk = isBulk(gesture);
      cells.skew = bulk ? 0 : this.#skewCell(gap, octaves, gesture);
      cells.spread = bulk ? 0 : this.#spreadCell(gap, octaves);
    }
    this.#lastInT = t;
    this.#lastInBytes = bytes;
    this.#outBytes = 0;
    this.#gap2 = this.#gap1;
    this.#gap1 = gap;
    this.#log3 = this.#log2;
    this.#log2 = this.#log1;
    this.#log1 = Math.log2(gap + 0.1);
    this.#gesture = gesture;
    this.#group2 = this.#group1;
    this.#group1 = group;
  }

  /** Whether this input is a held key's repeat (and updates the run). */
  #held(gap: number, group: number, bytes: number): boolean {
    if (this.#heldInputs > 0 && repeatsGroup(group, this.#heldGroup)) {
      const repeats = Math.max(1, Math.round(bytes / this.#heldUnit));
      if (this.#onBeat(gap, repeats)) {
        this.#heldInputs += 1;
        this.#sinceHeld = 0;
        // The period is the run's time over its repeats: unlike beats rounded
        // from each gap, network jitter (a late repeat, then an early one) cannot shorten it.
        this.#heldElapsed += gap;
        this.#heldRepeats += repeats;
        this.#heldPeriod = this.#heldElapsed / this.#heldRepeats;
        return true;
      }
    }
    // A run broken by a glitch (a repeat off the beat, repeats the network
    // delivered as one chunk) resumes from this gap, at this input only;
    // anything else must show the repeat delay first.
    this.#sinceHeld += 1;
    this.#heldInputs = 0;
    const resumes = this.#sinceHeld <= HELD_RESUME_INPUTS && repeatsGroup(group, this.#heldGroup);
    if (
      // A paste may carry a stall's repeats within a run, but never starts one: a person pastes
      // right after typing a key.
      group !== 0 && bytes < PASTE_MIN_BYTES && gap >= HELD_PERIOD_MS[0] &&
      gap <= HELD_PERIOD_MS[1] &&
      (resumes || (
        repeatsGroup(group, this.#group1) &&
        this.#gap1 >= HELD_DELAY_MS[0] && this.#gap1 <= HELD_DELAY_MS[1]
      ) || (
        // The first repeat squeezed against the key by network jitter.
        repeatsGroup(group, this.#group1) && repeatsGroup(group, this.#group2) &&
        this.#gap1 < HELD_PERIOD_MS[0] &&
        this.#gap2 >= HELD_DELAY_MS[0] && this.#gap2 <= HELD_DELAY_MS[1]
      ))
    ) {
      this.#heldGroup = group;
      // Coalesced keys may be repeats of a key of any size: counted per byte.
      this.#heldUnit = group === ANY_REPEAT_GROUP ? 1 : bytes;
      this.#heldPeriod = gap;
      this.#heldElapsed = gap;
      this.#heldRepeats = 1;
      this.#heldInputs = 1;
      this.#sinceHeld = 0;
      if (!resumes) this.#heldRuns += 1;
      return true;
    }
    return false;
  }

  /**
   * Whether a chunk of `repeats` repeats comes on the held key's beat: within
   * the slack of a whole number of periods (a gap shorter than one counts as
   * one: jitter squeezed it), spanning at most one beat more than its
   * repeats (a late repeat, repeats the network held back and delivered
   * together, or one right behind a late one) and at least half as many (a
   * paste that came sooner than the repeats it would hold is not them).
   */
  #onBeat(gap: number, repeats: number): boolean {
    const beats = Math.round(gap / this.#heldPeriod);
    const spanned = Math.max(beats, 1);
    return spanned <= repeats + 1 && 2 * spanned >= repeats &&
      Math.abs(gap - beats * this.#heldPeriod) <= HELD_SLACK_MS;
  }

  #regularityCell(gap: number, gesture: Gesture): number {
    // NaN (no earlier gap) never wins a comparison.
    const log = Math.log2(gap + 0.1);
    let ratio = Math.abs(log - this.#log1);
    const ratio2 = Math.abs(log - this.#log2);
    const ratio3 = Math.abs(log - this.#log3);
    if (!(ratio <= ratio2)) ratio = ratio2;
    if (!(ratio <= ratio3)) ratio = ratio3;
    if (Number.isNaN(ratio)) return 0;
    const bin = binOf(ratio, REGULARITY_EDGES);
    const band = gap < REGULARITY_BAND_EDGES_MS[0] ? 0 : gap < REGULARITY_BAND_EDGES_MS[1] ? 1 : 2;
    const same = gesture === this.#gesture ? 1 : 0;
    return 1 + (bin * 3 + band) * 2 + same;
  }

  /**
   * Adds a key gap within a line (and its {@linkcode gapLog2}) to the
   * skew's percentiles and the long-run statistics, and returns the skew's cell.
   */
  #skewCell(gap: number, log: number, gesture: Gesture): number {
    const previous = this.#gesture;
    if (
      gap < SPREAD_PAUSE_MS && gesture !== Gesture.ENTER && previous !== undefined &&
      previous !== Gesture.ENTER && !isBulk(previous)
    ) {
      this.#skew.push(log);
      const gaps = this.#lineKeyGaps;
      gaps.push(log);
      if (gaps.count >= LONG_RUN_MIN_GAPS) {
        this.#keySpread = Math.sqrt(gaps.variance);
        this.#keyBimodality = gaps.bimodality;
      }
    }
    if (this.#skew.count < SKEW_MIN_GAPS) return 0;
    return 1 + binOf(this.#skew.skew, SKEW_EDGES) * (SKEW_RANGE_EDGES.length + 1) +
      binOf(this.#skew.range, SKEW_RANGE_EDGES);
  }

  /** Adds a key gap (and its {@linkcode gapLog2}) to the spread and returns the spread's cell. */
  #spreadCell(gap: number, log: number): number {
    if (!(gap < SPREAD_PAUSE_MS)) return this.#spreadGaps < SPREAD_MIN_GAPS ? 0 : this.#spreadBin();
    if (this.#spreadGaps === 0) {
      this.#spreadMean = log;
    } else {
      // West's exponentially weighted mean and variance.
      const diff = log - this.#spreadMean;
      const increment = SPREAD_WEIGHT * diff;
      this.#spreadMean += increment;
      this.#spreadVariance = (1 - SPREAD_WEIGHT) * (this.#spreadVariance + diff * increment);
    }
    this.#spreadGaps += 1;
    return this.#spreadGaps < SPREAD_MIN_GAPS ? 0 : this.#spreadBin();
  }

  #spreadBin(): number {
    // Compared as variance and log2 against squared and log2 edges: no sqrt or pow per input.
    const bin = binOf(this.#spreadVariance, SPREAD_VARIANCE_EDGES);
    const band = binOf(this.#spreadMean, SPREAD_SPEED_LOG2_EDGES);
    return 1 + bin * (SPREAD_SPEED_EDGES_MS.length + 1) + band;
  }

  #reactionCell(t: number, gap: number): number {
    if (this.#outBytes === 0 || Number.isNaN(this.#lastOutT)) return 0;
    const latency = Math.max(t - this.#lastOutT, 0);
    const bin = binOf(latency, REACTION_EDGES_MS);
    const beyondEcho = this.#outBytes > this.#lastInBytes + 2 ? 1 : 0;
    const answered = Number.isNaN(gap) || latency * 4 < gap ? 1 : 0;
    return 1 + (beyondEcho * (REACTION_EDGES_MS.length + 1) + bin) * 2 + answered;
  }
}

/** The index of the first edge `value` is below, or the number of edges (the open last bin). */
export function binOf(value: number, edges: readonly number[]): number {
  for (let i = 0; i < edges.length; i++) {
    if (value < edges[i]!) return i;
  }
  return edges.length;
}

/** Octave bin (0–17) of a gap in ms: below 0.5 ms is 0, 2^15 ms (33 s) and above is 17. */
export function gapOctave(gapMs: number): number {
  return octaveOf(gapLog2(gapMs));
}

/** log2 of a gap in ms, floored at 0.25 ms: what the octave bins and the spread use. */
function gapLog2(gapMs: number): number {
  return Math.log2(Math.max(gapMs, 0.25));
}

function octaveOf(log2Ms: number): number {
  const octave = Math.floor(log2Ms) + 2;
  return octave < 0 ? 0 : octave > 17 ? 17 : octave;
}
