/**
 * Automation families: generators of programs driving a terminal, each
 * session with parameters drawn at random from its seed, so that a family
 * is a range of programs and not one tuned example. Every family writes
 * through the same shell model as the people (echo, command output,
 * prompt), so output timing is evidence only where a program reacts to it.
 *
 * | family | what it does |
 * | --- | --- |
 * | fixed-cadence | one key every d ms, d 5 ms–2 s, < 0.5 ms timer slack; after Enter waits for the prompt or not |
 * | uniform-, normal-, lognormal-, gamma-, mixture-delay | each key's delay drawn from that distribution, median 20–400 ms, spread (CV) 0.02–0.8, narrow to human-wide; think pauses between commands or not |
 * | quantised-clock | a fixed or narrow random typer seen through a 10, 20 or 50 ms clock (keys in one tick coalesce) |
 * | whole-line | whole lines of 2–200 bytes, fixed, uniform or exponential gaps, waiting for output or not, 3–300 lines |
 * | prompt-answer | a whole line 0.05–20 ms after each prompt |
 * | expect-burst | each line's keys µs apart, after the prompt or a pause |
 * | paste-only | chunks of 10–4000 bytes with think-like gaps |
 *
 * @module
 */
import { InputShape } from "../../src/score/input_shape.ts";
import { type SeededRandom, seededRandom } from "./seeded_random.ts";
import {
  type InputChunk,
  normal,
  randomShell,
  runCommand,
  type SessionEvent,
  type ShellModel,
  sortEvents,
  withShellOutput,
} from "./terminal_session.ts";

/** The generated automation families, in table order. */
export const AUTOMATION_FAMILIES = [
  "fixed-cadence",
  "uniform-delay",
  "normal-delay",
  "lognormal-delay",
  "gamma-delay",
  "mixture-delay",
  "quantised-clock",
  "whole-line",
  "prompt-answer",
  "expect-burst",
  "paste-only",
] as const;

/** One generated family. */
export type AutomationFamily = typeof AUTOMATION_FAMILIES[number];

/**
 * Families that draw each key's delay at random, with the spread
 * (coefficient of variation) given by their `cv` parameter: of the whole
 * law for uniform, normal, lognormal and gamma; of each of its two modes
 * for mixture-delay (the modes 2–6 times apart make the mixture wide
 * whatever `cv` is).
 */
export const RANDOM_DELAY_FAMILIES: ReadonlySet<string> = new Set([
  "uniform-delay",
  "normal-delay",
  "lognormal-delay",
  "gamma-delay",
  "mixture-delay",
]);

/** Families that write whole lines or chunks. */
const LINE_FAMILIES: readonly string[] = ["whole-line", "prompt-answer", "paste-only"];

/** Families that type key by key: every family but those that write lines or chunks. */
export const TYPING_FAMILIES: ReadonlySet<string> = new Set(
  AUTOMATION_FAMILIES.filter((family) => !LINE_FAMILIES.includes(family)),
);

/** A generated session. */
export interface AutomationSession {
  family: AutomationFamily;
  /** The drawn parameters (ms where a time). */
  parameters: Record<string, number>;
  events: SessionEvent[];
}

/** Keys a typing family types per session. */
export const TYPED_KEYS = 200;

/** Generates one session of a family from a seed. */
export function generateAutomationSession(
  family: AutomationFamily,
  seed: number,
): AutomationSession {
  const random = seededRandom(seed);
  const shell = randomShell(random);
  switch (family) {
    case "fixed-cadence": {
      const period = logUniform(random, 5, 2000);
      const slack = random.uniform(0, 0.5);
      const waits = random.next() < 0.5;
      return {
        family,
        parameters: { period, slack, waits: Number(waits) },
        events: typeKeys(
          random,
          shell,
          () => period + random.uniform(0, slack),
          waits ? () => period : undefined,
        ),
      };
    }
    case "uniform-delay":
    case "normal-delay":
    case "lognormal-delay":
    case "gamma-delay":
    case "mixture-delay": {
      const median = logUniform(random, 20, 400);
      const cv = logUniform(random, 0.02, 0.8);
      const delay = delayDrawer(family, median, cv, random);
      const pauses = random.next() < 0.5;
      const pauseHigh = random.uniform(1000, 8000);
      return {
        family,
        parameters: { median, cv, pauses: Number(pauses) },
        events: typeKeys(
          random,
          shell,
          delay,
          pauses ? () => random.uniform(300, pauseHigh) : undefined,
        ),
      };
    }
    case "quantised-clock": {
      const tick = random.pick([10, 20, 50]);
      const median = logUniform(random, 5, 300);
      const cv = random.next() < 0.5 ? 0 : logUniform(random, 0.01, 0.1);
      const chunks: InputChunk[] = [];
      let t = 0;
      let line = lineLength(random, 2, 40);
      for (let k = 0; k < TYPED_KEYS; k++) {
        const enter = --line === 0;
        const at = Math.ceil(t / tick) * tick;
        const last = chunks[chunks.length - 1];
        if (last !== undefined && last.t === at) {
          last.bytes += 1;
          last.shape = enter ? InputShape.ENTER : InputShape.OTHER;
        } else {
          chunks.push({ t: at, bytes: 1, shape: enter ? InputShape.ENTER : InputShape.SINGLE });
        }
        if (enter) line = lineLength(random, 2, 40);
        t += Math.max(median * (1 + cv * normal(random)), 0.1);
      }
      return {
        family,
        parameters: { tick, median, cv },
        events: withShellOutput(chunks, shell, random),
      };
    }
    case "whole-line": {
      const lines = Math.round(logUniform(random, 3, 300));
      const kind = random.integer(0, 2);
      const gap = logUniform(random, 50, 10_000);
      const waits = random.next() < 0.5;
      const draw = kind === 0
        ? () => gap
        : kind === 1
        ? () => random.uniform(0.2 * gap, 1.8 * gap)
        : () => -gap * Math.log(1 - random.next());
      return {
        family,
        parameters: { lines, gapKind: kind, gap, waits: Number(waits) },
        events: writeLines(random, shell, lines, draw, waits),
      };
    }
    case "prompt-answer": {
      const lines = Math.round(logUniform(random, 3, 100));
      const high = logUniform(random, 0.1, 20);
      return {
        family,
        parameters: { lines, reactionMs: high },
        events: writeLines(random, shell, lines, () => random.uniform(0.05, high), true),
      };
    }
    case "expect-burst": {
      const gapHigh = logUniform(random, 0.002, 0.5);
      const waits = random.next() < 0.5;
      const pauseHigh = random.uniform(100, 5000);
      return {
        family,
        parameters: { gapHigh, waits: Number(waits) },
        events: typeKeys(
          random,
          shell,
          () => random.uniform(0.001, gapHigh),
          waits ? () => random.uniform(0.05, pauseHigh) : () => random.uniform(100, pauseHigh),
        ),
      };
    }
    case "paste-only": {
      const chunks: InputChunk[] = [];
      const count = random.integer(3, 50);
      const withEnter = random.next();
      let t = 0;
      for (let i = 0; i < count; i++) {
        chunks.push({
          t,
          bytes: random.integer(10, 4000),
          shape: random.next() < withEnter ? InputShape.ENTER : InputShape.OTHER,
        });
        t += logUniform(random, 500, 30_000);
      }
      return { family, parameters: { count }, events: withShellOutput(chunks, shell, random) };
    }
  }
}

/** Generates `count` sessions of a family with seeds `seed`, `seed + 1`, … */
export function generateAutomationSessions(
  family: AutomationFamily,
  options: { count: number; seed: number },
): AutomationSession[] {
  return Array.from(
    { length: options.count },
    (_, i) => generateAutomationSession(family, options.seed + i),
  );
}

/** A draw from log-uniform [low, high). */
export function logUniform(random: SeededRandom, low: number, high: number): number {
  return Math.exp(random.uniform(Math.log(low), Math.log(high)));
}

function lineLength(random: SeededRandom, low: number, high: number): number {
  return Math.round(logUniform(random, low, high));
}

/** A per-key delay sampler of one distribution family with median `median` and spread `cv`. */
function delayDrawer(
  family: AutomationFamily,
  median: number,
  cv: number,
  random: SeededRandom,
): () => number {
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  switch (family) {
    case "uniform-delay": {
      const half = Math.min(cv * Math.sqrt(3), 0.95) * median;
      return () => random.uniform(median - half, median + half);
    }
    case "normal-delay":
      return () => Math.max(median * (1 + cv * normal(random)), 1);
    case "gamma-delay": {
      const shape = 1 / (cv * cv);
      return () => gamma(random, shape) * median / shape;
    }
    case "mixture-delay": {
      const ratio = random.uniform(2, 6);
      const weight = random.uniform(0.1, 0.4);
      return () =>
        (random.next() < weight ? median * ratio : median) * Math.exp(sigma * normal(random));
    }
    default:
      return () => median * Math.exp(sigma * normal(random));
  }
}

/** A Gamma(shape, 1) draw (Marsaglia and Tsang; shape < 1 by the boost). */
export function gamma(random: SeededRandom, shape: number): number {
  if (shape < 1) return gamma(random, shape + 1) * (1 - random.next()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/**
 * Types {@linkcode TYPED_KEYS} keys, `delay()` apart, a line of 2–40 keys
 * ending with Enter; after Enter, if `pause` is given, waits for the prompt
 * and then `pause()` ms, else goes on after one `delay()`.
 */
function typeKeys(
  random: SeededRandom,
  shell: ShellModel,
  delay: () => number,
  pause: (() => number) | undefined,
): SessionEvent[] {
  const events: SessionEvent[] = [];
  let t = random.uniform(300, 3000);
  events.push({ t: 0, dir: "out", bytes: shell.promptBytes, shape: InputShape.UNKNOWN });
  let line = lineLength(random, 2, 40);
  for (let k = 0; k < TYPED_KEYS; k++) {
    const enter = --line === 0;
    input(events, shell, random, t, 1, enter ? InputShape.ENTER : InputShape.SINGLE);
    if (enter) {
      line = lineLength(random, 2, 40);
      const prompt = runCommand(t, shell, random, events);
      t = pause === undefined ? t + delay() : prompt + pause();
    } else {
      t += delay();
    }
  }
  return sortEvents(events);
}

/** Writes `lines` whole lines, `gap()` apart (from the prompt when `waits`). */
function writeLines(
  random: SeededRandom,
  shell: ShellModel,
  lines: number,
  gap: () => number,
  waits: boolean,
): SessionEvent[] {
  const events: SessionEvent[] = [];
  let t = random.uniform(300, 3000);
  events.push({ t: 0, dir: "out", bytes: shell.promptBytes, shape: InputShape.UNKNOWN });
  for (let i = 0; i < lines; i++) {
    input(events, shell, random, t, lineLength(random, 2, 200), InputShape.ENTER);
    const prompt = runCommand(t, shell, random, events);
    t = (waits ? prompt : t) + gap();
  }
  return sortEvents(events);
}

function input(
  events: SessionEvent[],
  shell: ShellModel,
  random: SeededRandom,
  t: number,
  bytes: number,
  shape: number,
): void {
  events.push({ t, dir: "in", bytes, shape });
  if (shell.echo) {
    events.push({ t: t + random.uniform(0.02, 0.3), dir: "out", bytes, shape: InputShape.UNKNOWN });
  }
}
