/**
 * People's real key timing from every human corpus in ../shared/data, as
 * terminal input chunks (time, size, shape), one list per session:
 * - aalto: transcribed sentences, an Enter after each (Aalto 136M sample);
 * - french: free essays, text-change events (held-Backspace runs are real;
 *   changes under 12 ms apart are one chunk);
 * - german: free writing, key-down events with Backspace and arrows;
 * - kypo: people at a shell: each command line typed with the key gaps of
 *   an Aalto participant, at the corpus's real think time between commands.
 * Free text has few Enters: one key in every 20–80 becomes Enter, so that
 * each session is a run of command-like lines (its timing untouched).
 *
 * @module
 */
import { InputShape } from "../../src/score/input_shape.ts";
import { type SeededRandom, seededRandom } from "./seeded_random.ts";
import { findDataDir, loadParticipantTyping, withSentenceEnters } from "./human_sessions.ts";
import type { InputChunk } from "./terminal_session.ts";

/** The human corpora, in table order. */
export const HUMAN_CORPORA = ["aalto", "french", "german", "kypo"] as const;

/** One human corpus. */
export type HumanCorpus = typeof HUMAN_CORPORA[number];

/** One person's session: real timing, no habits added yet. */
export interface PersonSession {
  corpus: HumanCorpus;
  /** Who typed it (participant, student, file, sandbox): the unit of the people split. */
  person: string;
  /** Input chunks in time order, ms. */
  keys: InputChunk[];
}

/** Options of {@linkcode loadHumanCorpus}. */
export interface LoadCorpusOptions {
  /** ../shared/data (the folder holding every corpus). */
  dataRoot: string;
  /** Read at most this many sessions. */
  limit?: number;
  /** Seed of the Enter placement in free text and of the kypo typists. */
  seed?: number;
}

/**
 * The shared data folder (../shared/data): the parent of the Aalto sample's
 * folder as {@linkcode findDataDir} finds it (`$GHOST_HUNTER_DATA_DIR`, else
 * beside the repository); undefined when absent.
 */
export function findDataRoot(): string | undefined {
  const aalto = findDataDir();
  return aalto === undefined ? undefined : aalto.replace(/\/[^/]*\/?$/, "");
}

/** Loads one corpus's sessions. */
export async function loadHumanCorpus(
  corpus: HumanCorpus,
  options: LoadCorpusOptions,
): Promise<PersonSession[]> {
  const random = seededRandom(options.seed ?? 1);
  switch (corpus) {
    case "aalto":
      return await loadAalto(options.dataRoot, options.limit);
    case "french":
      return await loadFrench(options.dataRoot, options.limit, random);
    case "german":
      return await loadGerman(options.dataRoot, options.limit, random);
    case "kypo":
      return await loadKypo(options.dataRoot, options.limit, random);
  }
}

async function loadAalto(dataRoot: string, limit: number | undefined): Promise<PersonSession[]> {
  const typing = await loadParticipantTyping({
    dataDir: `${dataRoot}/aalto-136m-sample`,
    limit,
  });
  return typing.map((person) => {
    // Enter after one of the sentence's own gaps, picked by a fixed hash of its index.
    const keys = withSentenceEnters(
      person,
      (sentence, index) => 1 + (index * 7919 % (sentence.length - 1)),
    );
    return { corpus: "aalto" as const, person: person.participant, keys: fromZero(keys) };
  });
}

/**
 * Text changes of the French editor log this close together come from one
 * action (a key the editor turned into several changes): a terminal gets
 * them as one chunk.
 */
const FRENCH_MERGE_MS = 12;

async function loadFrench(
  dataRoot: string,
  limit: number | undefined,
  random: SeededRandom,
): Promise<PersonSession[]> {
  const dir = `${dataRoot}/fr_keystrokes_leoneb`;
  const students = new Map<string, string>();
  const sessionLines = (await Deno.readTextFile(`${dir}/DERIVED_sessions.csv`)).split("\n");
  for (const line of sessionLines.slice(1)) {
    const fields = line.split(",");
    if (fields.length >= 4) students.set(fields[0]!, fields[3]!);
  }
  const bySession = new Map<string, InputChunk[]>();
  const text = await Deno.readTextFile(`${dir}/DERIVED_events.csv`);
  let start = text.indexOf("\n") + 1;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const fields = text.slice(start, end).split(",");
    start = end + 1;
    if (fields.length !== 5) continue;
    const session = fields[0]!;
    let keys = bySession.get(session);
    if (keys === undefined) {
      if (limit !== undefined && bySession.size >= limit) break;
      keys = [];
      bySession.set(session, keys);
    }
    // A deletion is one key (Backspace or Delete, on a selection or not); an
    // insertion mid-text is one key too (its n_chars counts the whole
    // inserted run so far). Only appends carry several characters at once.
    const kind = fields[3];
    const chars = kind === "del" || kind === "ins" ? 1 : Math.max(Number(fields[4]), 1);
    const t = Number(fields[1]);
    const last = keys[keys.length - 1];
    if (last !== undefined && t - last.t < FRENCH_MERGE_MS) {
      last.bytes += chars;
      last.shape = InputShape.OTHER;
      last.t = t;
      continue;
    }
    keys.push({
      t,
      bytes: chars,
      shape: chars === 1 ? InputShape.SINGLE : InputShape.OTHER,
    });
  }
  return [...bySession].map(([session, keys]) => ({
    corpus: "french" as const,
    person: students.get(session) ?? session,
    keys: fromZero(withEnters(keys, random)),
  }));
}

/** Windows virtual keys that send an escape sequence, with its size. */
const GERMAN_SEQUENCES: Record<string, number> = {
  VK_LEFT: 3,
  VK_RIGHT: 3,
  VK_UP: 3,
  VK_DOWN: 3,
  VK_HOME: 3,
  VK_END: 3,
  VK_DELETE: 4,
};

async function loadGerman(
  dataRoot: string,
  limit: number | undefined,
  random: SeededRandom,
): Promise<PersonSession[]> {
  const text = await Deno.readTextFile(`${dataRoot}/idfx_thetool_mulasik/DERIVED_keydown.csv`);
  const byFile = new Map<string, InputChunk[]>();
  for (const line of text.split("\n").slice(1)) {
    const fields = line.split(",");
    if (fields.length !== 5) continue;
    const key = fields[4]!.trim();
    if (!key.startsWith("VK_")) continue;
    let keys = byFile.get(fields[0]!);
    if (keys === undefined) {
      if (limit !== undefined && byFile.size >= limit) break;
      keys = [];
      byFile.set(fields[0]!, keys);
    }
    const sequence = GERMAN_SEQUENCES[key];
    keys.push({
      t: Number(fields[2]),
      bytes: sequence ?? 1,
      shape: sequence !== undefined
        ? InputShape.ESCAPE
        : key === "VK_RETURN"
        ? InputShape.ENTER
        : InputShape.SINGLE,
    });
  }
  return [...byFile].map(([file, keys]) => {
    keys.sort((a, b) => a.t - b.t);
    return { corpus: "german" as const, person: file, keys: fromZero(withEnters(keys, random)) };
  });
}

async function loadKypo(
  dataRoot: string,
  limit: number | undefined,
  random: SeededRandom,
): Promise<PersonSession[]> {
  const root = `${dataRoot}/kypo_shell_commands/data`;
  const files: string[] = [];
  for await (const game of Deno.readDir(root)) {
    if (!game.isDirectory) continue;
    for await (const entry of Deno.readDir(`${root}/${game.name}`)) {
      if (entry.isDirectory) {
        for await (const inner of Deno.readDir(`${root}/${game.name}/${entry.name}`)) {
          if (inner.name.endsWith(".json")) files.push(`${game.name}/${entry.name}/${inner.name}`);
        }
      } else if (entry.name.endsWith(".json")) {
        files.push(`${game.name}/${entry.name}`);
      }
    }
  }
  files.sort();
  const chosen = limit === undefined ? files : files.slice(0, limit);
  // Key gaps of real typists (Aalto participants, within sentences).
  const typists = (await loadAalto(dataRoot, 60)).map((p) => {
    const gaps: number[] = [];
    for (let i = 1; i < p.keys.length; i++) {
      const gap = p.keys[i]!.t - p.keys[i - 1]!.t;
      if (p.keys[i - 1]!.shape !== InputShape.ENTER && gap < 2000) gaps.push(gap);
    }
    return gaps;
  });
  const sessions: PersonSession[] = [];
  for (const file of chosen) {
    const records = JSON.parse(await Deno.readTextFile(`${root}/${file}`)) as {
      timestamp_str?: string;
      cmd?: string;
    }[];
    const commands = records
      .map((r) => ({ t: Date.parse(r.timestamp_str ?? ""), length: (r.cmd ?? "").length }))
      .filter((c) => Number.isFinite(c.t))
      .sort((a, b) => a.t - b.t);
    if (commands.length < 2) continue;
    const gaps = typists[random.integer(0, typists.length - 1)]!;
    let g = random.integer(0, gaps.length - 1);
    const keys: InputChunk[] = [];
    let t = 0;
    let previousEnter = commands[0]!.t;
    for (const command of commands) {
      const typed = Array.from({ length: command.length }, () => gaps[g++ % gaps.length]!);
      const typing = typed.reduce((sum, gap) => sum + gap, 0);
      const think = command.t - previousEnter;
      previousEnter = command.t;
      t += Math.max(think - typing, 0.25 * think, 150);
      for (let i = 0; i < command.length; i++) {
        keys.push({ t, bytes: 1, shape: InputShape.SINGLE });
        t += typed[i]!;
      }
      keys.push({ t, bytes: 1, shape: InputShape.ENTER });
    }
    sessions.push({ corpus: "kypo", person: file, keys: fromZero(keys) });
  }
  return sessions;
}

/**
 * Makes one key in every 20–80 an Enter, keeping every time; only a key
 * with at least 100 ms before it and before each of the next two keys
 * (never a key that starts or sits inside a held-key run).
 */
function withEnters(keys: InputChunk[], random: SeededRandom): InputChunk[] {
  let next = random.integer(20, 80);
  keys.forEach((key, i) => {
    if (key.shape === InputShape.ENTER) {
      next = random.integer(20, 80);
      return;
    }
    const before = i === 0 ? Infinity : key.t - keys[i - 1]!.t;
    const after = Math.min(gapAfter(keys, i), gapAfter(keys, i + 1));
    if (--next <= 0 && key.bytes === 1 && before >= 100 && after >= 100) {
      key.shape = InputShape.ENTER;
      next = random.integer(20, 80);
    }
  });
  return keys;
}

function gapAfter(keys: InputChunk[], i: number): number {
  const next = keys[i + 1];
  return next === undefined ? Infinity : next.t - keys[i]!.t;
}

function fromZero(keys: InputChunk[]): InputChunk[] {
  const origin = keys[0]?.t ?? 0;
  for (const key of keys) key.t -= origin;
  return keys;
}
