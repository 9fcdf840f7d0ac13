/**
 * Real automated sessions: Terminal-Bench harness and agent recordings
 * (asciicast v2 with stdin) from ../shared/data/tbench_leaderboard_casts,
 * as session events. Each "i" event is one input chunk, its shape derived
 * from its first and last byte as the probe would; each "o" event one
 * output.
 *
 * @module
 */
import { InputShape, shapeOfBytes } from "../../src/score/input_shape.ts";
import type { SessionEvent } from "./terminal_session.ts";

/** Parses one asciicast v2 recording into session events (ms from its start). */
export function parseCast(text: string): SessionEvent[] {
  const encoder = new TextEncoder();
  const events: SessionEvent[] = [];
  for (const line of text.split("\n").slice(1)) {
    if (line.trim() === "") continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    if (!Array.isArray(record) || record.length < 3) continue;
    const [seconds, kind, data] = record as [unknown, unknown, unknown];
    if (typeof seconds !== "number" || typeof data !== "string") continue;
    const bytes = encoder.encode(data);
    if (kind === "i") {
      events.push({
        t: seconds * 1000,
        dir: "in",
        bytes: bytes.length,
        shape: shapeOfBytes(bytes),
      });
    } else if (kind === "o") {
      events.push({
        t: seconds * 1000,
        dir: "out",
        bytes: bytes.length,
        shape: InputShape.UNKNOWN,
      });
    }
  }
  return events;
}

/** Loads every recording with at least one input, sorted by file name. */
export async function loadCasts(
  dataRoot: string,
  limit?: number,
): Promise<{ name: string; events: SessionEvent[] }[]> {
  const dir = `${dataRoot}/tbench_leaderboard_casts/casts`;
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".cast")) names.push(entry.name);
  }
  names.sort();
  const chosen = limit === undefined ? names : names.slice(0, limit);
  const casts = [];
  for (const name of chosen) {
    const events = parseCast(await Deno.readTextFile(`${dir}/${name}`));
    if (events.some((e) => e.dir === "in")) casts.push({ name, events });
  }
  return casts;
}
