/**
 * Impostor evaluation: how well a user's timing profile tells them from
 * other people, on real typing, with the constants fitted on some people and
 * the figures reported on the others.
 *
 * - Aalto sample, three variants (plain, OpenSSH 20 ms clock, network
 *   jitter): participants sorted by id, even positions fit the model, odd
 *   positions are held out. Each participant enrols on their first inputs
 *   (at most 1,000, leaving 200) and is probed with the next 200; every other
 *   held-out participant's probe is an impostor attempt.
 * - The naive baseline of issue 12 in the same run: the first 10 sentences
 *   as profile, the next 5 as probe, 19 quantiles of log inter-key gaps, mean
 *   absolute distance.
 * - Across sittings (fr_keystrokes_leoneb, a different corpus, language and
 *   task, none of it used for fitting): enrol on one session of a student,
 *   probe with 200 inputs of another session of the same student; other
 *   students' sessions are the impostors.
 *
 *     deno task calibrate --impostor-only [--json] [--model]
 *
 * @module
 */
import {
  HUMAN_VARIANTS,
  type HumanVariant,
  type InputEvent,
  type ParticipantTyping,
  toHumanSession,
} from "./sessions/human_sessions.ts";
import { seededRandom } from "./sessions/seeded_random.ts";
import { equalErrorRate, falseRejectAt } from "../src/profile/error_rates.ts";
import {
  fitImpostorModel,
  impostorDistance,
  type ImpostorModel,
} from "../src/profile/impostor_model.ts";
import { SessionEnrolment, WINDOW_INPUTS } from "../src/profile/user_profile.ts";
import { timingFeatures, TimingWindow } from "../src/profile/timing_window.ts";

/** Most enrolment inputs per person. */
export const MAX_ENROL_INPUTS = 1000;
/** Share of the owner's own windows beyond the fitted bound. */
export const TARGET_FALSE_ALERT_RATE = 0.01;

/** One person: a profile mean and a held-out probe's features. */
interface Person {
  id: string;
  profileMean: number[];
  probe: Float64Array;
}

/** Figures of one method on one set of people. */
export interface ImpostorRow {
  /** What was measured, e.g. `plain`. */
  name: string;
  /** People (each enrolled once) and impostor attempts. */
  people: number;
  attempts: number;
  /** Equal error rate, %. */
  eerPercent: number;
  /** False-reject rate at 1 % false accept, %. */
  frrAt1PercentFarPercent: number;
  /** At the model's fitted bound (profile method only): owners alerted, impostors caught, %. */
  ownersAlertedPercent?: number;
  impostorsCaughtPercent?: number;
}

/** The whole evaluation. */
export interface ImpostorEvaluation {
  model: ImpostorModel;
  fittedOn: number;
  heldOut: ImpostorRow[];
  baseline: ImpostorRow[];
  acrossSittings?: ImpostorRow[];
}

/** Enrols on `enrol` (one session) and returns the profile's mean. */
export function enrolMean(enrol: readonly InputEvent[]): number[] {
  const session = new SessionEnrolment();
  for (const e of enrol) session.push(e);
  return session.mean();
}

/** The features of one window of inputs. */
export function windowFeatures(events: readonly InputEvent[]): Float64Array {
  const window = new TimingWindow(Math.max(2, events.length));
  for (const e of events) window.push(e);
  return timingFeatures(window.summary);
}

function splitPerson(id: string, events: readonly InputEvent[]): Person | undefined {
  const enrolInputs = Math.min(events.length - WINDOW_INPUTS, MAX_ENROL_INPUTS);
  if (enrolInputs < WINDOW_INPUTS) return undefined;
  return {
    id,
    profileMean: enrolMean(events.slice(0, enrolInputs)),
    probe: windowFeatures(events.slice(enrolInputs, enrolInputs + WINDOW_INPUTS)),
  };
}

function rowOf(
  name: string,
  people: number,
  genuine: number[],
  impostor: number[],
  model?: ImpostorModel,
): ImpostorRow {
  const row: ImpostorRow = {
    name,
    people,
    attempts: impostor.length,
    eerPercent: 100 * equalErrorRate(genuine, impostor).rate,
    frrAt1PercentFarPercent: 100 * falseRejectAt(genuine, impostor, 0.01).rate,
  };
  if (model !== undefined) {
    row.ownersAlertedPercent = 100 * genuine.filter((d) => d > model.bound).length /
      genuine.length;
    row.impostorsCaughtPercent = 100 * impostor.filter((d) => d > model.bound).length /
      impostor.length;
  }
  return row;
}

/** Scores every profile against every probe of the same people. */
function crossScore(people: readonly Person[], model: ImpostorModel) {
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (const owner of people) {
    for (const other of people) {
      const d = impostorDistance(owner.profileMean, other.probe, model);
      (owner === other ? genuine : impostor).push(d);
    }
  }
  return { genuine, impostor };
}

/** The 19 quantiles (5 %…95 %) of log inter-input gaps: the naive baseline's vector. */
export function baselineQuantiles(events: readonly InputEvent[]): number[] {
  const logs: number[] = [];
  for (let i = 1; i < events.length; i++) {
    logs.push(Math.log(Math.max(events[i]!.t - events[i - 1]!.t, 1)));
  }
  logs.sort((a, b) => a - b);
  const result: number[] = [];
  for (let k = 1; k < 20; k++) {
    const p = (k / 20) * (logs.length - 1);
    const i = Math.floor(p);
    const j = Math.min(i + 1, logs.length - 1);
    result.push(logs[i]! + (logs[j]! - logs[i]!) * (p - i));
  }
  return result;
}

/** The baseline's split of a session: inputs before sentence 10 and of sentences 10–14. */
function baselineSplit(typing: ParticipantTyping, events: readonly InputEvent[]) {
  const s = typing.sentences;
  if (s.length < 11) return undefined;
  const origin = s[0]![0]!.t;
  const at = (k: number) => (s[k]?.[0]?.t ?? Infinity) - origin;
  // Transport (quantisation, jitter) moves an input by at most a few tens of ms.
  const slack = 25;
  const profile = events.filter((e) => e.t < at(10) - slack);
  const probe = events.filter((e) => e.t >= at(10) - slack && e.t < at(15) - slack);
  return profile.length > 20 && probe.length > 20 ? { profile, probe } : undefined;
}

function baselineRow(
  name: string,
  typing: readonly ParticipantTyping[],
  sessions: readonly InputEvent[][],
): ImpostorRow {
  const people = typing.flatMap((t, i) => {
    const split = baselineSplit(t, sessions[i]!);
    return split === undefined
      ? []
      : [{ profile: baselineQuantiles(split.profile), probe: baselineQuantiles(split.probe) }];
  });
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (const owner of people) {
    for (const other of people) {
      let sum = 0;
      owner.profile.forEach((q, k) => sum += Math.abs(q - other.probe[k]!));
      (owner === other ? genuine : impostor).push(sum / owner.profile.length);
    }
  }
  return rowOf(name, people.length, genuine, impostor);
}

/** One student's session from the French corpus: inputs in time order. */
export interface SittingSession {
  student: string;
  events: InputEvent[];
}

/**
 * Reads fr_keystrokes_leoneb's DERIVED_sessions.csv and DERIVED_events.csv:
 * each text change is one input of its character count (a deletion: 1).
 */
export async function loadSittings(dir: string): Promise<SittingSession[]> {
  const sessionsCsv = await Deno.readTextFile(`${dir}/DERIVED_sessions.csv`);
  const students = new Map<string, string>();
  for (const line of sessionsCsv.split("\n").slice(1)) {
    const fields = line.split(",");
    if (fields.length < 4) continue;
    students.set(fields[0]!, fields[3]!);
  }
  const eventsCsv = await Deno.readTextFile(`${dir}/DERIVED_events.csv`);
  const bySession = new Map<string, InputEvent[]>();
  for (const line of eventsCsv.split("\n").slice(1)) {
    const [session, t, , kind, chars] = line.split(",");
    if (session === undefined || t === undefined || kind === undefined) continue;
    const time = Number(t);
    if (!Number.isFinite(time)) continue;
    let events = bySession.get(session);
    if (events === undefined) bySession.set(session, events = []);
    events.push({ t: time, bytes: kind === "del" ? 1 : Math.max(1, Number(chars) || 1) });
  }
  const result: SittingSession[] = [];
  for (const [session, events] of bySession) {
    const student = students.get(session);
    if (student !== undefined) result.push({ student, events });
  }
  return result;
}

interface EnrolledSitting {
  student: string;
  mean: number[];
  probe: Float64Array;
}

function enrolSittings(sittings: readonly SittingSession[]): EnrolledSitting[] {
  return sittings.filter((s) => s.events.length >= 2 * WINDOW_INPUTS).map((s) => ({
    student: s.student,
    mean: enrolMean(s.events.slice(0, MAX_ENROL_INPUTS)),
    probe: windowFeatures(s.events.slice(0, WINDOW_INPUTS)),
  }));
}

function acrossSittingsRow(
  name: string,
  enrolled: readonly EnrolledSitting[],
  model: ImpostorModel,
): ImpostorRow {
  const genuine: number[] = [];
  const impostor: number[] = [];
  const owners = new Set<string>();
  for (const owner of enrolled) {
    for (const other of enrolled) {
      if (owner === other) continue;
      const d = impostorDistance(owner.mean, other.probe, model);
      if (other.student === owner.student) {
        genuine.push(d);
        owners.add(owner.student);
      } else {
        impostor.push(d);
      }
    }
  }
  return rowOf(name, owners.size, genuine, impostor, model);
}

/**
 * Across sittings with the constants fitted on that corpus: students in
 * sorted order, even positions fit (one pair of their sittings each), odd
 * positions are scored.
 */
function acrossSittingsRefit(enrolled: readonly EnrolledSitting[]): ImpostorRow {
  const students = [...new Set(enrolled.map((e) => e.student))].sort();
  const fitStudents = new Set(students.filter((_, i) => i % 2 === 0));
  const fitSamples = students.flatMap((student) => {
    if (!fitStudents.has(student)) return [];
    const own = enrolled.filter((e) => e.student === student);
    return own.length < 2 ? [] : [{ profileMean: own[0]!.mean, probe: own[1]!.probe }];
  });
  const model = fitImpostorModel(fitSamples, TARGET_FALSE_ALERT_RATE);
  return acrossSittingsRow(
    `refitted on ${fitSamples.length} other students' sittings`,
    enrolled.filter((e) => !fitStudents.has(e.student)),
    model,
  );
}

/** Options of {@linkcode runImpostorEvaluation}. */
export interface ImpostorEvaluationOptions {
  /** Every Aalto participant's typing, in id order. */
  typing: readonly ParticipantTyping[];
  /** fr_keystrokes_leoneb's folder, if present. */
  sittingsDir?: string;
  /** Seed of transport jitter and Enter timing (default 1). */
  seed?: number;
}

/** Runs the evaluation (see the module documentation). */
export async function runImpostorEvaluation(
  options: ImpostorEvaluationOptions,
): Promise<ImpostorEvaluation> {
  const seed = options.seed ?? 1;
  const byVariant = new Map<HumanVariant, InputEvent[][]>();
  for (const variant of HUMAN_VARIANTS) {
    const random = seededRandom(seed);
    byVariant.set(variant, options.typing.map((t) => toHumanSession(t, variant, random).events));
  }
  const fit: Person[] = [];
  const heldOut = new Map<HumanVariant, Person[]>();
  for (const [variant, sessions] of byVariant) {
    const held: Person[] = [];
    sessions.forEach((events, i) => {
      const person = splitPerson(options.typing[i]!.participant, events);
      if (person === undefined) return;
      (i % 2 === 0 ? fit : held).push(person);
    });
    heldOut.set(variant, held);
  }
  const model = fitImpostorModel(fit, TARGET_FALSE_ALERT_RATE);
  const rows: ImpostorRow[] = [];
  for (const [variant, people] of heldOut) {
    const { genuine, impostor } = crossScore(people, model);
    rows.push(rowOf(variant, people.length, genuine, impostor, model));
  }
  const baseline: ImpostorRow[] = [];
  for (const [variant, sessions] of byVariant) {
    const odd = (_: unknown, i: number) => i % 2 === 1;
    baseline.push(
      baselineRow(`${variant}, held-out`, options.typing.filter(odd), sessions.filter(odd)),
    );
    if (variant === "plain") baseline.push(baselineRow("plain, all", options.typing, sessions));
  }
  const result: ImpostorEvaluation = {
    model,
    fittedOn: fit.length,
    heldOut: rows,
    baseline,
  };
  if (options.sittingsDir !== undefined) {
    const enrolled = enrolSittings(await loadSittings(options.sittingsDir));
    result.acrossSittings = [
      acrossSittingsRow("Aalto-fitted model (the default)", enrolled, model),
      acrossSittingsRefit(enrolled),
    ];
  }
  return result;
}

/** The evaluation as Markdown tables. */
export function formatImpostorEvaluation(result: ImpostorEvaluation): string {
  const pct = (x: number | undefined) => x === undefined ? "–" : `${x.toFixed(2)} %`;
  const line = (r: ImpostorRow) =>
    `| ${r.name} | ${r.people} | ${r.attempts} | ${pct(r.eerPercent)} | ${
      pct(r.frrAt1PercentFarPercent)
    } | ${pct(r.ownersAlertedPercent)} | ${pct(r.impostorsCaughtPercent)} |`;
  const header = [
    "| Set | People | Impostor attempts | EER | False reject at 1 % false accept | Owners alerted at bound | Impostors caught at bound |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  const lines = [
    `Impostor detection: ${WINDOW_INPUTS} probe inputs, at most ${MAX_ENROL_INPUTS} enrolment inputs; model fitted on ${result.fittedOn} enrolments (even-position Aalto participants, three variants), bound ${
      result.model.bound.toFixed(3)
    } (${(100 * result.model.falseAlertRate).toFixed(0)} % of fitted owners' windows beyond it).`,
    "",
    "Held-out Aalto participants (odd positions), profile method:",
    "",
    ...header,
    ...result.heldOut.map(line),
    "",
    "Naive baseline (first 10 sentences vs next 5, 19 log-gap quantiles, mean absolute distance):",
    "",
    ...header,
    ...result.baseline.map(line),
  ];
  if (result.acrossSittings !== undefined) {
    lines.push(
      "",
      "Across sittings (fr_keystrokes_leoneb: enrol on one session, probe with the first 200 inputs of another):",
      "",
      ...header,
      ...result.acrossSittings.map(line),
    );
  }
  return lines.join("\n");
}
