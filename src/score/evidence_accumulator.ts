/**
 * How one session's per-input evidence (log likelihood ratios, nats)
 * accumulates, in two channels with their own alert levels, beside two
 * more that judge long-run statistics of the key gaps:
 * - typing: the sum over the last {@linkcode TYPING_WINDOW} inputs that are
 *   keys (not lines or pastes), each clipped to ±{@linkcode KEY_CLIP_NATS}. A bounded window: a person's style, which
 *   can lean machine-ward for a while, never piles up over a long session,
 *   and a typing program's evidence grows with every key it types;
 * - bulk: a CUSUM over lines and pastes written at once (never below 0,
 *   never above twice its level), and every key between them takes
 *   {@linkcode KEY_RELIEF_NATS} off it: a person pastes now and then
 *   between keys, a program writes line after line;
 * - evenness: the long-run spread of the key gaps within lines
 *   (evidence_features.ts), as its level over the spread (at most
 *   {@linkcode EVENNESS_CAP_MULTIPLE}): a person's key gaps, taken over a
 *   whole stretch of typing, vary more than those of a program drawing its
 *   delays from one narrow law;
 * - bimodality: the long-run bimodality coefficient of the same key gaps
 *   (at most 1) over its level: a person's fast and slow keys make one
 *   lopsided hump, a program drawing from two narrow modes makes two.
 * Statistics, not sums: the same gaps would otherwise count again at every
 * key.
 * The session's evidence is the strongest channel in units of its level
 * (1 = the level, the 0.72 score).
 *
 * @module
 */

/**
 * Keys the typing channel sums over. Chosen on the fitting people and the
 * families' fitting sessions only (an inner split, README "Scoring"): a
 * program's weak but steady evidence adds up faster than a person's
 * stretches of program-like typing, up to about 64 keys, and little beyond.
 */
export const TYPING_WINDOW = 64;
/**
 * One key's evidence is clipped to ± this many nats in the typing window: a
 * program types with steady evidence, a person's odd moments come in spikes.
 */
export const KEY_CLIP_NATS = 6;
/** What each key between lines and pastes takes off the bulk channel, nats. */
export const KEY_RELIEF_NATS = 1;
/** The bulk channel never exceeds this multiple of its level. */
export const BULK_CAP_MULTIPLE = 2;
/** The evenness channel never exceeds this multiple of its level (a fixed cadence's spread is 0). */
export const EVENNESS_CAP_MULTIPLE = 2;

/** The alert levels of the channels. */
export interface EvidenceLevels {
  /** Typing channel, nats. */
  typing: number;
  /** Bulk channel, nats. */
  bulk: number;
  /** Evenness channel: the long-run spread of key gaps (octaves) at and below which it alerts. */
  keySpread: number;
  /** Bimodality channel: the long-run bimodality coefficient of key gaps at and above which it alerts. */
  keyBimodality: number;
}

/** One session's evidence channels. */
export class EvidenceAccumulator {
  // Single precision: twice the keys in the memory 32 doubles took.
  readonly #window = new Float32Array(TYPING_WINDOW);
  #next = 0;
  #typing = 0;
  #bulk = 0;
  #keySpread = Number.NaN;
  #keyBimodality = Number.NaN;

  /** The typing channel: sum of the last keys' evidence, nats. */
  get typing(): number {
    return this.#typing;
  }

  /** The bulk channel, nats. */
  get bulk(): number {
    return this.#bulk;
  }

  /** The long-run spread of key gaps the evenness channel judges, octaves (NaN: not measured yet). */
  get keySpread(): number {
    return this.#keySpread;
  }

  /** The long-run bimodality of key gaps the bimodality channel judges (NaN: not measured yet). */
  get keyBimodality(): number {
    return this.#keyBimodality;
  }

  /**
   * Takes the long-run statistics of the key gaps now: their spread
   * (octaves) and bimodality coefficient; NaN: not measured yet.
   */
  setKeyGaps(spread: number, bimodality: number): void {
    this.#keySpread = spread;
    this.#keyBimodality = bimodality;
  }

  /** Adds one input's evidence; `bulk` for a line or paste written at once. */
  add(llr: number, bulk: boolean, levels: EvidenceLevels): void {
    if (bulk) {
      const next = this.#bulk + llr;
      this.#bulk = next < 0 ? 0 : Math.min(next, BULK_CAP_MULTIPLE * levels.bulk);
      return;
    }
    this.#bulk = this.#bulk > KEY_RELIEF_NATS ? this.#bulk - KEY_RELIEF_NATS : 0;
    const clipped = Math.fround(
      llr > KEY_CLIP_NATS ? KEY_CLIP_NATS : llr < -KEY_CLIP_NATS ? -KEY_CLIP_NATS : llr,
    );
    this.#typing += clipped - this.#window[this.#next]!;
    this.#window[this.#next] = clipped;
    this.#next += 1;
    if (this.#next === TYPING_WINDOW) {
      // Once per window the sum is taken afresh, so rounding cannot drift.
      this.#next = 0;
      let sum = 0;
      for (let i = 0; i < TYPING_WINDOW; i++) sum += this.#window[i]!;
      this.#typing = sum;
    }
  }

  /** The strongest channel in units of its level (1 at the level); 0 when none has evidence. */
  level(levels: EvidenceLevels): number {
    const typing = this.#typing > 0 ? this.#typing / levels.typing : 0;
    const bulk = this.#bulk / levels.bulk;
    // NaN (not measured yet) fails the comparison; a spread of 0 reaches the cap.
    // A level of 0 (a fit that measured no spread) never alerts, and 0 / 0 must not
    // mask the other channels.
    const evenness = this.#keySpread >= 0 && levels.keySpread > 0
      ? Math.min(levels.keySpread / this.#keySpread, EVENNESS_CAP_MULTIPLE)
      : 0;
    const bimodality = this.#keyBimodality >= 0 ? this.#keyBimodality / levels.keyBimodality : 0;
    return Math.max(typing, bulk, evenness, bimodality);
  }
}
