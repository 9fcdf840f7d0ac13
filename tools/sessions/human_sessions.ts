/**
 * Real human typing from the Aalto "136M Keystrokes" sample, turned into
 * terminal input sessions as the sample's README describes: one session per
 * participant, each non-modifier press one input at its press time, an Enter
 * after each sentence, in three variants (plain, OpenSSH 20 ms keystroke
 * quantization, network jitter).
 *
 * The data is never copied into the repository; it is read from
 * `../shared/data/aalto-136m-sample` beside the repository root, or from
 * `$GHOST_HUNTER_DATA_DIR`.
 *
 * @module
 */
import { InputShape, shapeOf } from "../../src/score/input_shape.ts";
import { type SeededRandom, seededRandom } from "./seeded_random.ts";

/** One input event of a session: when (ms), how many bytes, and its shape where known. */
export interface InputEvent {
  /** Arrival time in ms from the session's first input. */
  t: number;
  /** Bytes in this input (≥ 1). */
  bytes: number;
  /** The shape the probe would derive (an {@linkcode InputShape} value); absent: not derived. */
  shape?: number;
}

/** How key presses become terminal input. */
export type HumanVariant = "plain" | "openssh" | "jittered";

/** Every variant, in table order. */
export const HUMAN_VARIANTS: readonly HumanVariant[] = [
  "plain",
  "openssh",
  "jittered",
];

/** One participant's typing as one terminal session. */
export interface HumanSession {
  /** The dataset's PARTICIPANT_ID. */
  participant: string;
  /** How presses were turned into inputs. */
  variant: HumanVariant;
  /** Input events in time order. */
  events: InputEvent[];
}

/** One key press that sends bytes to a terminal, at its epoch ms. */
export interface KeyPress {
  /** PRESS_TIME, Unix epoch ms. */
  t: number;
  /** Bytes the key sends to a terminal (1, or 3–4 for an escape sequence). */
  bytes: number;
}

/** One participant's presses, sentence by sentence. */
export interface ParticipantTyping {
  /** The dataset's PARTICIPANT_ID. */
  participant: string;
  /** Sentences in time order, each its presses in time order (no Enter yet). */
  sentences: KeyPress[][];
}

/** Options of {@linkcode loadHumanSessions}. */
export interface LoadHumanSessionsOptions {
  /** The sample's folder; default {@linkcode findDataDir}. */
  dataDir?: string;
  /** How presses become inputs; default "plain". */
  variant?: HumanVariant;
  /** Read at most this many participants (lowest ids first). */
  limit?: number;
  /** Seed of the Enter timing, jitter and quantization phase; default 1. */
  seed?: number;
}

/** OpenSSH's ObscureKeystrokeTiming clock, ms. */
export const OPENSSH_TICK_MS = 20;
/** Upper bound of the per-key network delay of the jittered variant, ms. */
export const NETWORK_JITTER_MAX_MS = 15;

/** Keys that send nothing to a terminal by themselves. */
const SILENT_KEYS = new Set([
  "SHIFT",
  "CAPS_LOCK",
  "CTRL",
  "ALT",
  "WIN",
  "MENU",
  "NUM_LK",
  "SCR_LK",
  "PAUSE",
]);

/** Keys that send an escape sequence (xterm): byte counts. */
const SEQUENCE_BYTES: Record<string, number> = {
  ARW_LEFT: 3,
  ARW_RIGHT: 3,
  ARW_UP: 3,
  ARW_DOWN: 3,
  HOME: 3,
  END: 3,
  INSERT: 4,
  DELETE: 4,
  PG_UP: 4,
  PG_DOWN: 4,
};

const FIELDS = 9;
const PRESS_TIME_FIELD = 5;
const LETTER_FIELD = 7;
const SECTION_FIELD = 1;

/**
 * The sample's folder: `$GHOST_HUNTER_DATA_DIR` if set, else
 * `../shared/data/aalto-136m-sample` beside the repository root; undefined
 * when it has no `keystrokes/` folder.
 */
export function findDataDir(): string | undefined {
  const variable = "GHOST_HUNTER_DATA_DIR";
  // `deno task calibrate` runs without --allow-env: read it only if allowed.
  const fromEnv = Deno.permissions.querySync({ name: "env", variable }).state === "granted"
    ? Deno.env.get(variable)
    : undefined;
  const dir = fromEnv !== undefined && fromEnv !== ""
    ? fromEnv
    : new URL("../../../shared/data/aalto-136m-sample", import.meta.url).pathname;
  try {
    return Deno.statSync(`${dir}/keystrokes`).isDirectory ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Reads participants' presses from the sample, lowest ids first. */
export async function loadParticipantTyping(
  options: { dataDir?: string; limit?: number } = {},
): Promise<ParticipantTyping[]> {
  const dataDir = options.dataDir ?? findDataDir();
  if (dataDir === undefined) {
    throw new Error(
      "Cannot load human typing: the Aalto sample was not found at ../shared/data/aalto-136m-sample; set GHOST_HUNTER_DATA_DIR to its folder",
    );
  }
  const names: string[] = [];
  for await (const entry of Deno.readDir(`${dataDir}/keystrokes`)) {
    if (entry.isFile && entry.name.endsWith("_keystrokes.txt")) {
      names.push(entry.name);
    }
  }
  names.sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
  const chosen = options.limit === undefined ? names : names.slice(0, options.limit);
  const decoder = new TextDecoder("latin1");
  const result: ParticipantTyping[] = [];
  for (const name of chosen) {
    const text = decoder.decode(
      await Deno.readFile(`${dataDir}/keystrokes/${name}`),
    );
    result.push(parseParticipant(name.split("_")[0]!, text));
  }
  return result;
}

/** Parses one participant's file (header line first, tab-separated). */
export function parseParticipant(
  participant: string,
  text: string,
): ParticipantTyping {
  const bySection = new Map<string, KeyPress[]>();
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    const fields = lines[i]!.replace(/\r$/, "").split("\t");
    if (fields.length !== FIELDS) continue;
    const letter = fields[LETTER_FIELD]!;
    if (SILENT_KEYS.has(letter)) continue;
    const t = Number(fields[PRESS_TIME_FIELD]);
    if (!Number.isFinite(t)) continue;
    const section = fields[SECTION_FIELD]!;
    let presses = bySection.get(section);
    if (presses === undefined) {
      presses = [];
      bySection.set(section, presses);
    }
    presses.push({ t, bytes: SEQUENCE_BYTES[letter.toUpperCase()] ?? 1 });
  }
  const sentences = [...bySection.values()].filter((s) => s.length > 0);
  for (const sentence of sentences) sentence.sort((a, b) => a.t - b.t);
  sentences.sort((a, b) => a[0]!.t - b[0]!.t);
  return { participant, sentences };
}

/**
 * One participant's presses in time order, with an Enter (1 byte) ending
 * each sentence: one of that sentence's own press-to-press gaps after its
 * last press, the gap ending at press `pickGap(sentence, index)` (called
 * only for sentences of two presses or more; 188 ms otherwise). A few
 * sentences end with a stray press made during the next sentence: the
 * terminal sees every press in time order.
 */
export function withSentenceEnters(
  typing: ParticipantTyping,
  pickGap: (sentence: readonly KeyPress[], index: number) => number,
): Required<InputEvent>[] {
  const presses: Required<InputEvent>[] = [];
  typing.sentences.forEach((sentence, index) => {
    for (const p of sentence) {
      presses.push({
        t: p.t,
        bytes: p.bytes,
        shape: p.bytes > 1 ? InputShape.ESCAPE : InputShape.SINGLE,
      });
    }
    const last = sentence[sentence.length - 1]!;
    let gap = 188;
    if (sentence.length >= 2) {
      const i = pickGap(sentence, index);
      gap = sentence[i]!.t - sentence[i - 1]!.t;
    }
    const next = typing.sentences[index + 1]?.[0]?.t;
    const enterAt = next === undefined || last.t + gap < next ? last.t + gap : (last.t + next) / 2;
    presses.push({ t: enterAt, bytes: 1, shape: InputShape.ENTER });
  });
  presses.sort((a, b) => a.t - b.t);
  return presses;
}

/**
 * Turns one participant's presses into a session: an Enter ends each
 * sentence ({@linkcode withSentenceEnters}, the gap drawn with `random`),
 * then the variant's transport applies. Each input carries the shape the probe
 * would derive: a key press, an escape sequence, Enter, or (presses merged
 * by the OpenSSH clock) whatever the merged chunk's first and last byte say.
 */
export function toHumanSession(
  typing: ParticipantTyping,
  variant: HumanVariant,
  random: SeededRandom,
): HumanSession {
  const presses: InputEvent[] = withSentenceEnters(
    typing,
    (sentence) => random.integer(1, sentence.length - 1),
  );
  let events: InputEvent[];
  switch (variant) {
    case "plain":
      events = presses;
      break;
    case "openssh":
      events = quantize(presses, OPENSSH_TICK_MS);
      break;
    case "jittered":
      events = jitter(presses, NETWORK_JITTER_MAX_MS, random);
      break;
  }
  const origin = events[0]?.t ?? 0;
  for (const event of events) event.t -= origin;
  return { participant: typing.participant, variant, events };
}

/** Loads the sample as terminal sessions (see the module documentation). */
export async function loadHumanSessions(
  options: LoadHumanSessionsOptions = {},
): Promise<HumanSession[]> {
  const typing = await loadParticipantTyping(options);
  const random = seededRandom(options.seed ?? 1);
  return typing.map((t) => toHumanSession(t, options.variant ?? "plain", random));
}

/**
 * OpenSSH ≥ 9.5 sends keystrokes on a fixed clock: each arrival moves up to
 * the next tick, and presses in the same tick arrive as one input, shaped
 * by the probe's rule from its length, first byte and last byte.
 */
function quantize(presses: readonly InputEvent[], tickMs: number): InputEvent[] {
  const events: InputEvent[] = [];
  let first: number | undefined;
  for (const press of presses) {
    const t = Math.ceil(press.t / tickMs) * tickMs;
    const last = events[events.length - 1];
    if (last !== undefined && last.t === t) {
      last.bytes += press.bytes;
      last.shape = shapeOf(last.bytes, firstByteOf(first), lastByteOf(press.shape));
    } else {
      events.push({ t, bytes: press.bytes, shape: press.shape });
      first = press.shape;
    }
  }
  return events;
}

// Stand-ins for the keys of this sample (letters, escape sequences, Enter):
// the shape rule reads only whether a chunk starts with ESC and ends with CR.
function firstByteOf(shape: number | undefined): number {
  return shape === InputShape.ESCAPE ? 0x1b : 0x61;
}

function lastByteOf(shape: number | undefined): number {
  return shape === InputShape.ENTER ? 0x0d : 0x61;
}

/** Adds a uniform network delay in [0, maxMs) per key, keeping key order. */
function jitter(
  presses: readonly InputEvent[],
  maxMs: number,
  random: SeededRandom,
): InputEvent[] {
  const events: InputEvent[] = [];
  let previous = -Infinity;
  for (const press of presses) {
    const t = Math.max(press.t + random.uniform(0, maxMs), previous);
    events.push({ ...press, t });
    previous = t;
  }
  return events;
}
