/**
 * What a person does at a real terminal, added on top of real key timing
 * (never instead of it): each variant transforms one person's input chunks
 * and the result gets the shell model's output.
 *
 * | variant | what is added |
 * | --- | --- |
 * | plain | nothing (the shell's echo, command output and prompt only) |
 * | held-keys | 1 held key per 150 keys: Backspace, an arrow or a letter, repeat delay 200–700 ms, 10–50 Hz, 5–120 repeats |
 * | pastes | 1 paste per 150 keys, one chunk of 10–4000 bytes, half of them ending with Enter |
 * | escapes | 5 % of typed keys (60 ms clear of their neighbours) send an escape sequence of 2–6 bytes |
 * | utf8 | 10 % of typed keys send a 2–4 byte UTF-8 character |
 * | coalesced | 5 % of key pairs under 40 ms apart arrive as one chunk |
 * | openssh-20ms | arrivals move up to a 20 ms clock, keys in one tick arrive as one chunk |
 * | jitter | 0–15 ms network delay per chunk, and a 50–300 ms stall per 300 keys whose keys arrive as one chunk |
 * | fast, slow | the person's key gaps within a line (120 ms–2 s; faster ones are autorepeat) × 0.5, × 2.5 |
 * | everything | escapes, UTF-8, held keys, pastes, coalesced keys and the 20 ms clock together |
 *
 * @module
 */
import { InputShape, shapeOf } from "../../src/score/input_shape.ts";
import { type SeededRandom, seededRandom } from "./seeded_random.ts";
import {
  type InputChunk,
  randomShell,
  type SessionEvent,
  withShellOutput,
} from "./terminal_session.ts";

/** The variants, in table order. */
export const HUMAN_VARIANTS = [
  "plain",
  "held-keys",
  "pastes",
  "escapes",
  "utf8",
  "coalesced",
  "openssh-20ms",
  "jitter",
  "fast",
  "slow",
  "everything",
] as const;

/** One variant. */
export type HumanVariant = typeof HUMAN_VARIANTS[number];

/** A person's session as the probe would see it under a variant. */
export function humanSession(
  keys: readonly InputChunk[],
  variant: HumanVariant,
  seed: number,
): SessionEvent[] {
  const random = seededRandom(seed);
  let chunks = keys.map((k) => ({ ...k }));
  switch (variant) {
    case "plain":
      break;
    case "held-keys":
      chunks = heldKeys(chunks, random);
      break;
    case "pastes":
      chunks = pastes(chunks, random);
      break;
    case "escapes":
      chunks = reshape(chunks, random, 0.05, () => [random.integer(2, 6), InputShape.ESCAPE]);
      break;
    case "utf8":
      chunks = reshape(chunks, random, 0.1, () => [random.integer(2, 4), InputShape.UTF8]);
      break;
    case "coalesced":
      chunks = coalesce(chunks, random, 0.05);
      break;
    case "openssh-20ms":
      chunks = quantise(chunks, 20);
      break;
    case "jitter":
      chunks = jitter(chunks, random);
      break;
    case "fast":
      chunks = scaleTyping(chunks, 0.5);
      break;
    case "slow":
      chunks = scaleTyping(chunks, 2.5);
      break;
    case "everything":
      chunks = reshape(chunks, random, 0.05, () => [random.integer(2, 6), InputShape.ESCAPE]);
      chunks = reshape(chunks, random, 0.1, () => [random.integer(2, 4), InputShape.UTF8]);
      chunks = heldKeys(chunks, random);
      chunks = pastes(chunks, random);
      chunks = coalesce(chunks, random, 0.05);
      chunks = quantise(chunks, 20);
      break;
  }
  return withShellOutput(chunks, randomShell(random), random);
}

/** Inserts a gesture's chunks after chunk `at`, shifting every later chunk by its length. */
function insertAfter(
  chunks: InputChunk[],
  at: number,
  inserted: InputChunk[],
  length: number,
): InputChunk[] {
  return [
    ...chunks.slice(0, at + 1),
    ...inserted,
    ...chunks.slice(at + 1).map((c) => ({ ...c, t: c.t + length })),
  ];
}

/**
 * A place to insert a gesture: after a chunk followed by at least 300 ms,
 * and not by a repeat (a person does not paste or hold another key in the
 * middle of a held key); else the calmest of 50 random places.
 */
function calmPoint(chunks: InputChunk[], random: SeededRandom): number {
  let best = 0;
  let bestGap = -Infinity;
  for (let tries = 0; tries < 50; tries++) {
    const at = random.integer(0, chunks.length - 1);
    const gap = Math.min(gapBefore(chunks, at + 1), 2 * gapBefore(chunks, at + 2));
    if (gap >= 300) return at;
    if (gap > bestGap) [best, bestGap] = [at, gap];
  }
  return best;
}

/**
 * Whether chunk `i` is a key typed once, not part of a held key: 60 ms or
 * more before it and before each of the next two chunks.
 */
function isTyped(chunks: InputChunk[], i: number): boolean {
  return gapBefore(chunks, i) >= 60 && gapBefore(chunks, i + 1) >= 60 &&
    gapBefore(chunks, i + 2) >= 60;
}

function gapBefore(chunks: InputChunk[], i: number): number {
  const chunk = chunks[i];
  return i === 0 || chunk === undefined ? Infinity : chunk.t - chunks[i - 1]!.t;
}

/** A typical gap of this person (a random gap of theirs under 1 s). */
function ownGap(chunks: InputChunk[], random: SeededRandom): number {
  for (let tries = 0; tries < 20; tries++) {
    const i = random.integer(1, Math.max(chunks.length - 1, 1));
    const gap = (chunks[i]?.t ?? 0) - (chunks[i - 1]?.t ?? 0);
    if (gap > 20 && gap < 1000) return gap;
  }
  return 190;
}

function heldKeys(chunks: InputChunk[], random: SeededRandom): InputChunk[] {
  // The OS's autorepeat settings are the person's: one delay and rate per session.
  const delay = random.uniform(200, 700);
  const period = 1000 / random.uniform(10, 50);
  const count = Math.max(1, Math.round(chunks.length / 150));
  for (let n = 0; n < count; n++) {
    const at = calmPoint(chunks, random);
    const [bytes, shape] = random.pick(
      [
        [1, InputShape.SINGLE],
        [3, InputShape.ESCAPE],
        [1, InputShape.SINGLE],
      ] as const,
    );
    const repeats = random.integer(5, 120);
    const start = chunks[at]!.t + ownGap(chunks, random);
    const inserted: InputChunk[] = [{ t: start, bytes, shape }];
    let t = start + delay;
    for (let r = 0; r < repeats; r++) {
      inserted.push({ t, bytes, shape });
      t += period + random.uniform(-0.3, 0.3);
    }
    chunks = insertAfter(chunks, at, inserted, t - chunks[at]!.t + ownGap(chunks, random));
  }
  return chunks;
}

function pastes(chunks: InputChunk[], random: SeededRandom): InputChunk[] {
  const count = Math.max(1, Math.round(chunks.length / 150));
  for (let n = 0; n < count; n++) {
    const at = calmPoint(chunks, random);
    const gap = ownGap(chunks, random) * random.uniform(1, 4);
    const pasted: InputChunk = {
      t: chunks[at]!.t + gap,
      bytes: random.integer(10, 4000),
      shape: random.next() < 0.5 ? InputShape.ENTER : InputShape.OTHER,
    };
    chunks = insertAfter(chunks, at, [pasted], gap + ownGap(chunks, random) * random.uniform(1, 4));
  }
  return chunks;
}

function reshape(
  chunks: InputChunk[],
  random: SeededRandom,
  share: number,
  draw: () => readonly [number, number],
): InputChunk[] {
  chunks.forEach((chunk, i) => {
    if (chunk.shape === InputShape.SINGLE && isTyped(chunks, i) && random.next() < share) {
      [chunk.bytes, chunk.shape] = draw();
    }
  });
  return chunks;
}

/** Two chunks arriving as one: its shape from the first's first byte and the second's last. */
function merge(a: InputChunk, b: InputChunk): InputChunk {
  const bytes = a.bytes + b.bytes;
  return { t: b.t, bytes, shape: shapeOf(bytes, firstByte(a.shape), lastByte(b.shape)) };
}

/** A first byte typical of a chunk of this shape. */
function firstByte(shape: number): number {
  return shape === InputShape.ESCAPE ? 0x1b : shape === InputShape.UTF8 ? 0xc3 : 0x61;
}

/** A last byte typical of a chunk of this shape. */
function lastByte(shape: number): number {
  return shape === InputShape.ENTER ? 0x0d : shape === InputShape.UTF8 ? 0xa9 : 0x41;
}

function coalesce(chunks: InputChunk[], random: SeededRandom, share: number): InputChunk[] {
  const out: InputChunk[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const next = chunks[i + 1];
    if (next !== undefined && next.t - chunks[i]!.t < 40 && random.next() < share) {
      out.push(merge(chunks[i]!, next));
      i++;
    } else {
      out.push(chunks[i]!);
    }
  }
  return out;
}

function quantise(chunks: InputChunk[], tick: number): InputChunk[] {
  const out: InputChunk[] = [];
  for (const chunk of chunks) {
    const t = Math.ceil(chunk.t / tick) * tick;
    const last = out[out.length - 1];
    if (last !== undefined && last.t === t) {
      out[out.length - 1] = merge(last, { ...chunk, t });
    } else {
      out.push({ ...chunk, t });
    }
  }
  return out;
}

function jitter(chunks: InputChunk[], random: SeededRandom): InputChunk[] {
  const out: InputChunk[] = [];
  let previous = -Infinity;
  let stallUntil = -Infinity;
  for (const chunk of chunks) {
    if (random.next() < 1 / 300) stallUntil = chunk.t + random.uniform(50, 300);
    const t = Math.max(chunk.t + random.uniform(0, 15), previous);
    const last = out[out.length - 1];
    if (chunk.t < stallUntil && last !== undefined && last.t >= stallUntil) {
      out[out.length - 1] = merge(last, { ...chunk, t: last.t });
      continue;
    }
    const at = chunk.t < stallUntil ? Math.max(stallUntil, previous) : t;
    out.push({ ...chunk, t: at });
    previous = at;
  }
  return out;
}

function scaleTyping(chunks: InputChunk[], factor: number): InputChunk[] {
  const out: InputChunk[] = [];
  let t = 0;
  for (let i = 0; i < chunks.length; i++) {
    if (i > 0) {
      const gap = chunks[i]!.t - chunks[i - 1]!.t;
      // Autorepeat (under 120 ms, and the repeat delay before it) is the keyboard's.
      const inLine = chunks[i - 1]!.shape !== InputShape.ENTER && gap >= 120 && gap < 2000 &&
        gapBefore(chunks, i + 1) >= 120;
      t += inLine ? gap * factor : gap;
    }
    out.push({ ...chunks[i]!, t });
  }
  return out;
}
