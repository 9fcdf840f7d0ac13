/**
 * Calibration: runs the scorer over real human typing (the Aalto sample, in
 * its three variants, plus each human habit spliced into every session) and
 * over generated automation of the four classes, and prints how often each
 * reaches the threshold; then the impostor evaluation (tools/impostor_evaluation.ts).
 *
 *     deno task calibrate [--json] [--limit N] [--automation N] [--threshold X] [--seed N]
 *                         [--impostor-only] [--model]
 *
 * `--model` prints the fitted impostor model's constants as JSON (what
 * src/profile/default_model.ts holds).
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  AUTOMATION_CLASSES,
  type AutomationClass,
  generateAutomationSessions,
  HUMAN_HABITS,
  type HumanHabit,
  spliceHabit,
} from "./sessions/automation_sessions.ts";
import {
  findDataDir,
  HUMAN_VARIANTS,
  type HumanVariant,
  type InputEvent,
  loadParticipantTyping,
  toHumanSession,
} from "./sessions/human_sessions.ts";
import {
  formatImpostorEvaluation,
  type ImpostorEvaluation,
  runImpostorEvaluation,
} from "./impostor_evaluation.ts";
import { DEFAULT_CONFIG } from "../src/config/defaults.ts";
import { seededRandom } from "./sessions/seeded_random.ts";
import {
  DEFAULT_SCORER_CONFIG,
  type ScorerConfig,
  SessionScorer,
} from "../src/score/session_scorer.ts";

/** Inputs within which automation must be caught. */
export const CATCH_WITHIN_INPUTS = 40;

/** One row of the human part of the table. */
export interface HumanRow {
  /** Variant, or `plain + <habit>` for a spliced habit. */
  variant: string;
  sessions: number;
  alerted: number;
  alertedPercent: number;
}

/** One row of the automation part of the table. */
export interface AutomationRow {
  kind: AutomationClass;
  sessions: number;
  caughtPercent: number;
  caughtWithinPercent: number;
  /** Median input index (1-based) of the first alert among caught sessions. */
  medianInputsToAlert: number | null;
}

/** The whole calibration result. */
export interface CalibrationResult {
  threshold: number;
  human: HumanRow[];
  automation: AutomationRow[];
}

/** Options of {@linkcode runCalibration}. */
export interface CalibrationOptions {
  /** The Aalto sample's folder. */
  dataDir: string;
  /** Participants to read (default all). */
  limit?: number;
  /** Automation sessions per class (default 1000). */
  automationSessions?: number;
  threshold?: number;
  scorer?: ScorerConfig;
  /** Seed of every random choice (default 1). */
  seed?: number;
}

/** Index (1-based) of the first input at which the score reaches the threshold, or null. */
export function firstAlertInput(
  events: readonly InputEvent[],
  threshold: number,
  scorer: ScorerConfig = DEFAULT_SCORER_CONFIG,
): number | null {
  const session = new SessionScorer(scorer);
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (session.observe(event.t, "in", event.bytes) >= threshold) return i + 1;
  }
  return null;
}

/** Runs the calibration. */
export async function runCalibration(
  options: CalibrationOptions,
): Promise<CalibrationResult> {
  const threshold = options.threshold ?? DEFAULT_CONFIG.threshold;
  const seed = options.seed ?? 1;
  const typing = await loadParticipantTyping(options);
  const human: HumanRow[] = [];
  const row = (variant: string, sessions: InputEvent[][]): HumanRow => {
    const alerted =
      sessions.filter((events) => firstAlertInput(events, threshold, options.scorer) !== null)
        .length;
    return {
      variant,
      sessions: sessions.length,
      alerted,
      alertedPercent: percent(alerted, sessions.length),
    };
  };
  const plain: InputEvent[][] = [];
  for (const variant of HUMAN_VARIANTS) {
    const random = seededRandom(seed);
    const sessions = typing.map((t) => toHumanSession(t, variant as HumanVariant, random).events);
    if (variant === "plain") plain.push(...sessions);
    human.push(row(variant, sessions));
  }
  HUMAN_HABITS.forEach((habit: HumanHabit, h) => {
    const random = seededRandom(seed + 100 + h);
    const spliced = plain.map((events, i) => {
      // Several occurrences per session, anywhere after the first inputs.
      let result = events;
      for (let k = 0; k < 5; k++) {
        result = spliceHabit(result, habit, {
          at: random.integer(0, result.length - 1),
          seed: seed * 1000 + i * 10 + k,
        });
      }
      return result;
    });
    human.push(row(`plain + ${habit} ×5`, spliced));
  });
  const automation = AUTOMATION_CLASSES.map((kind, k) => {
    const sessions = generateAutomationSessions(kind, {
      count: options.automationSessions ?? 1000,
      seed: seed * 100_000 + k * 10_000,
    });
    const firsts = sessions.map((s) => firstAlertInput(s.events, threshold, options.scorer));
    const caught = firsts.filter((f): f is number => f !== null);
    caught.sort((a, b) => a - b);
    return {
      kind,
      sessions: sessions.length,
      caughtPercent: percent(caught.length, sessions.length),
      caughtWithinPercent: percent(
        caught.filter((f) => f <= CATCH_WITHIN_INPUTS).length,
        sessions.length,
      ),
      medianInputsToAlert: caught.length === 0
        ? null
        : caught[Math.floor((caught.length - 1) / 2)]!,
    };
  });
  return { threshold, human, automation };
}

/** The result as the Markdown table that goes in README.md. */
export function formatCalibration(result: CalibrationResult): string {
  const lines = [
    `Threshold ${result.threshold}.`,
    "",
    "| Human sessions (Aalto sample) | Sessions | Ever alerting |",
    "| --- | ---: | ---: |",
    ...result.human.map((r) =>
      `| ${r.variant} | ${r.sessions} | ${r.alerted} (${r.alertedPercent.toFixed(2)} %) |`
    ),
    "",
    `| Automation class | Sessions | Caught | Caught within ${CATCH_WITHIN_INPUTS} inputs | Median inputs to alert |`,
    "| --- | ---: | ---: | ---: | ---: |",
    ...result.automation.map((r) =>
      `| ${r.kind} | ${r.sessions} | ${r.caughtPercent.toFixed(2)} % | ${
        r.caughtWithinPercent.toFixed(2)
      } % | ${r.medianInputsToAlert ?? "–"} |`
    ),
  ];
  return lines.join("\n");
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : (100 * part) / whole;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    strict: true,
    options: {
      json: { type: "boolean", default: false },
      limit: { type: "string" },
      automation: { type: "string" },
      threshold: { type: "string" },
      seed: { type: "string" },
      "impostor-only": { type: "boolean", default: false },
      model: { type: "boolean", default: false },
    },
  });
  const dataDir = findDataDir();
  if (dataDir === undefined) {
    console.error(
      "calibrate: Cannot find the Aalto sample at ../shared/data/aalto-136m-sample; set GHOST_HUNTER_DATA_DIR (and run with --allow-env).",
    );
    Deno.exit(1);
  }
  const number = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) {
      console.error(`calibrate: --${name} must be a number ≥ 0, got "${text}".`);
      Deno.exit(2);
    }
    return value;
  };
  const seed = number("seed", values.seed);
  const limit = number("limit", values.limit);
  const result = values["impostor-only"] || values.model ? undefined : await runCalibration({
    dataDir,
    limit,
    automationSessions: number("automation", values.automation),
    threshold: number("threshold", values.threshold),
    seed,
  });
  const sittingsDir = `${dataDir}/../fr_keystrokes_leoneb`;
  const impostor: ImpostorEvaluation = await runImpostorEvaluation({
    typing: await loadParticipantTyping({ dataDir, limit }),
    sittingsDir: existsDir(sittingsDir) ? sittingsDir : undefined,
    seed,
  });
  if (values.model) {
    console.log(JSON.stringify(impostor.model));
  } else if (values.json) {
    console.log(JSON.stringify({ ...result, impostor }));
  } else {
    if (result !== undefined) console.log(formatCalibration(result) + "\n");
    console.log(formatImpostorEvaluation(impostor));
  }
}

function existsDir(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}
