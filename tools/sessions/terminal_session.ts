/**
 * Terminal sessions as the probe sees them: input chunks (time, size, shape)
 * and the session's output (echo, command output, prompt), built from
 * keystrokes or program writes by a small shell model.
 *
 * @module
 */
import { InputShape } from "../../src/score/input_shape.ts";
import type { SeededRandom } from "./seeded_random.ts";

/** One event of a session. */
export interface SessionEvent {
  /** ms from the session's start. */
  t: number;
  dir: "in" | "out";
  bytes: number;
  /** {@linkcode InputShape} of an input; UNKNOWN for output. */
  shape: number;
}

/** One input chunk before the shell model adds output. */
export interface InputChunk {
  t: number;
  bytes: number;
  shape: number;
}

/** How the modelled shell answers. */
export interface ShellModel {
  /** The shell echoes input with write() (readline does; the kernel's own echo is unseen). */
  echo: boolean;
  /** Median command run time, ms (lognormal, σ 1.2). */
  commandMedianMs: number;
  /** Prompt size, bytes. */
  promptBytes: number;
}

/** A shell model drawn at random: echo in 85 % of sessions, commands of 2–200 ms median. */
export function randomShell(random: SeededRandom): ShellModel {
  return {
    echo: random.next() < 0.85,
    commandMedianMs: Math.exp(random.uniform(Math.log(2), Math.log(200))),
    promptBytes: random.integer(2, 60),
  };
}

/** A standard normal draw (Box–Muller). */
export function normal(random: SeededRandom): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

/**
 * When a command entered at `t` has printed its output and prompt, and the
 * output events it wrote (appended to `out`).
 */
export function runCommand(
  t: number,
  shell: ShellModel,
  random: SeededRandom,
  out: SessionEvent[],
): number {
  const runMs = shell.commandMedianMs * Math.exp(1.2 * normal(random));
  const chunks = random.next() < 0.3 ? 0 : random.integer(1, 12);
  let at = t + random.uniform(0.05, 0.5);
  for (let i = 0; i < chunks; i++) {
    at += runMs / (chunks + 1);
    out.push({ t: at, dir: "out", bytes: random.integer(1, 4096), shape: InputShape.UNKNOWN });
  }
  at = Math.max(at, t + runMs) + random.uniform(0.05, 1);
  out.push({ t: at, dir: "out", bytes: shell.promptBytes, shape: InputShape.UNKNOWN });
  return at;
}

/**
 * Adds the shell's output to a time-ordered list of input chunks: an echo of
 * each chunk 20–300 µs after it (when the shell echoes), and after each
 * chunk that ends with Enter, the command's output and the next prompt.
 * A session starts with a prompt just before its first input.
 */
export function withShellOutput(
  inputs: readonly InputChunk[],
  shell: ShellModel,
  random: SeededRandom,
): SessionEvent[] {
  const events: SessionEvent[] = [];
  const first = inputs[0]?.t ?? 0;
  events.push({
    t: first - random.uniform(300, 3000),
    dir: "out",
    bytes: shell.promptBytes,
    shape: InputShape.UNKNOWN,
  });
  for (const chunk of inputs) {
    events.push({ t: chunk.t, dir: "in", bytes: chunk.bytes, shape: chunk.shape });
    if (shell.echo) {
      events.push({
        t: chunk.t + random.uniform(0.02, 0.3),
        dir: "out",
        bytes: chunk.bytes,
        shape: InputShape.UNKNOWN,
      });
    }
    if (chunk.shape === InputShape.ENTER) runCommand(chunk.t, shell, random, events);
  }
  return sortEvents(events);
}

/** Sorts events by time, inputs before outputs at the same time, and moves them to start at 0. */
export function sortEvents(events: SessionEvent[]): SessionEvent[] {
  events.sort((a, b) => a.t - b.t || (a.dir === b.dir ? 0 : a.dir === "in" ? -1 : 1));
  const origin = events[0]?.t ?? 0;
  for (const event of events) event.t -= origin;
  return events;
}
