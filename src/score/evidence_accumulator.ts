/**
 * How one session's per-input evidence (log likelihood ratios, nats)
 * accumulates, in two channels with their own alert levels:
 * - typing: the sum over the last {@linkcode TYPING_WINDOW} inputs that are
 *   keys (not lines or pastes), each clipped to ±{@linkcode KEY_CLIP_NATS}. A bounded window: a person's style, which
 *   can lean machine-ward for a while, never piles up over a long session,
 *   and a typing program's evidence grows with every key it types;
 * - bulk: a CUSUM over lines and pastes written at once (never below 0,
 *   never above twice its level), and every key between them takes
 *   {@linkcode KEY_RELIEF_NATS} off it: a person pastes now and then
 *   between keys, a program writes line after line.
 * The session's evidence is the larger channel in units of its level
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

/** The alert levels of the two channels, nats. */
export interface EvidenceLevels {
  typing: number;
  bulk: number;
}

/** One session's two evidence channels. */
export class EvidenceAccumulator {
  // Single precision: twice the keys in the memory 32 doubles took.
  readonly #window = new Float32Array(TYPING_WINDOW);
  #next = 0;
  #typing = 0;
  #bulk = 0;

  /** The typing channel: sum of the last keys' evidence, nats. */
  get typing(): number {
    return this.#typing;
  }

  /** The bulk channel, nats. */
  get bulk(): number {
    return this.#bulk;
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

  /** The stronger channel in units of its level (1 at the level); 0 when neither has evidence. */
  level(levels: EvidenceLevels): number {
    const typing = this.#typing > 0 ? this.#typing / levels.typing : 0;
    const bulk = this.#bulk / levels.bulk;
    return typing > bulk ? typing : bulk;
  }
}
