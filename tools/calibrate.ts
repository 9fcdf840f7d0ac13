/**
 * Calibration that cannot flatter: every figure is measured on data the
 * evidence model was not fitted on.
 *
 * - People: every human corpus in ../shared/data, in every terminal-habit
 *   variant (tools/sessions/terminal_habits.ts). People are split in two
 *   by a hash of corpus and person: the model is fitted on one half, the
 *   share of sessions ever alerted is reported on the other.
 * - Programs, leave-one-family-out: for each automation family (the
 *   generated ones, and the real Terminal-Bench recordings), the model is
 *   fitted without it, on the other families' fitting sessions, and
 *   measured on that family's measuring sessions (other seeds).
 * - The shipped model (`--write`) is fitted on every family and the
 *   fitting half of the people.
 *
 * Then the impostor evaluation (tools/impostor_evaluation.ts).
 *
 *     deno task calibrate [--json] [--write] [--limit N] [--sessions N] [--seed N]
 *                         [--impostor-only] [--model]
 *
 * `--model` prints the fitted impostor model's constants as JSON (what
 * src/profile/default_model.ts holds).
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  AUTOMATION_FAMILIES,
  generateAutomationSession,
  RANDOM_DELAY_FAMILIES,
  TYPING_FAMILIES,
} from "./sessions/automation_families.ts";
import {
  findDataRoot,
  HUMAN_CORPORA,
  type HumanCorpus,
  loadHumanCorpus,
} from "./sessions/human_corpora.ts";
import {
  formatImpostorEvaluation,
  type ImpostorEvaluation,
  runImpostorEvaluation,
} from "./impostor_evaluation.ts";
import { loadParticipantTyping } from "./sessions/human_sessions.ts";
import { loadCasts } from "./sessions/tbench_casts.ts";
import { HUMAN_VARIANTS, humanSession } from "./sessions/terminal_habits.ts";
import type { SessionEvent } from "./sessions/terminal_session.ts";
import { type EvidenceCells, EvidenceFeatures, SKIPPED } from "../src/score/evidence_features.ts";
import {
  type CellCounts,
  emptyCounts,
  type EvidenceModel,
  ratiosFromCounts,
} from "../src/score/evidence_model.ts";
import { EvidenceAccumulator, type EvidenceLevels } from "../src/score/evidence_accumulator.ts";
import { isBulk } from "../src/score/gesture.ts";
import { levelOfScore, SCORE_AT_LEVEL } from "../src/score/session_scorer.ts";

/** Inputs within which a whole-line family must alert. */
export const LINE_ALERT_WITHIN = 5;
/** Share of a group of fitting people's sessions allowed to reach a channel's level. */
export const FIT_FALSE_ALERT_SHARE = 0.01;
/**
 * Sessions per fitting person and variant, each with its own draw of the
 * variant's habits: the 99th percentile that sets a level is then read
 * from several times as many sessions as people (one draw each left it to
 * the second-highest of about 130 KYPO sessions, which moved by a quarter
 * from seed to seed).
 */
export const FIT_DRAWS = 4;
/** The threshold is this much above what the fitting people reach. */
export const THRESHOLD_MARGIN = 1.1;
/** The family name of the real recordings. */
export const TBENCH_FAMILY = "tbench-recordings";

/** One session reduced to its evidence cells, one packed word per input. */
export interface CellSession {
  /**
   * tempo | regularity << 8 | reaction << 14 | spread << 19 | bulk << 24 |
   * skew << 25; tempo 255 skipped.
   */
  cells: Uint32Array;
  /** The long-run spread of key gaps after each input, octaves (NaN: not measured yet). */
  keySpread: Float64Array;
  /** Their long-run bimodality coefficient after each input (NaN: not measured yet). */
  keyBimodality: Float64Array;
}

const SKIP_TEMPO = 255;
const BULK_BIT = 1 << 24;
const SKEW_SHIFT = 25;

/** Runs the feature extractor over a session and packs each input's cells. */
export function cellsOf(events: readonly SessionEvent[]): CellSession {
  const features = new EvidenceFeatures();
  const cells: EvidenceCells = {
    tempo: 0,
    regularity: 0,
    reaction: 0,
    spread: 0,
    skew: 0,
    gesture: 0,
  };
  const packed: number[] = [];
  const keySpread: number[] = [];
  const keyBimodality: number[] = [];
  for (const event of events) {
    if (event.dir === "out") {
      features.output(event.t, event.bytes);
      continue;
    }
    features.input(event.t, event.bytes, event.shape, cells);
    keySpread.push(features.keySpread);
    keyBimodality.push(features.keyBimodality);
    packed.push(
      cells.tempo === SKIPPED
        ? SKIP_TEMPO
        : cells.tempo | (cells.regularity << 8) | (cells.reaction << 14) |
          (cells.spread << 19) | (isBulk(cells.gesture) ? BULK_BIT : 0) |
          (cells.skew << SKEW_SHIFT),
    );
  }
  return {
    cells: Uint32Array.from(packed),
    keySpread: Float64Array.from(keySpread),
    keyBimodality: Float64Array.from(keyBimodality),
  };
}

/** Sessions' cells one after another, as one session (each keeps the features it had alone). */
function concatCells(sessions: readonly CellSession[]): CellSession {
  const join = <T extends Uint32Array | Float64Array>(
    parts: readonly T[],
    make: (length: number) => T,
  ): T => {
    const out = make(parts.reduce((n, part) => n + part.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  };
  return {
    cells: join(sessions.map((s) => s.cells), (n) => new Uint32Array(n)),
    keySpread: join(sessions.map((s) => s.keySpread), (n) => new Float64Array(n)),
    keyBimodality: join(sessions.map((s) => s.keyBimodality), (n) => new Float64Array(n)),
  };
}

/** Adds a session's cells to counts. */
export function addCounts(counts: CellCounts, session: CellSession): void {
  for (const word of session.cells) {
    const tempo = word & 0xff;
    if (tempo === SKIP_TEMPO) continue;
    counts.tempo[tempo]! += 1;
    counts.regularity[(word >> 8) & 0x3f]! += 1;
    counts.reaction[(word >> 14) & 0x1f]! += 1;
    counts.spread[(word >> 19) & 0x1f]! += 1;
    if ((word & BULK_BIT) === 0) counts.skew[word >>> SKEW_SHIFT]! += 1;
  }
}

/** What replaying one session's cells reached, channel by channel. */
export interface EvidenceRun {
  /** Highest typing and bulk evidence, nats. */
  typing: number;
  bulk: number;
  /** Highest inverse key spread (1 / octaves; the spread's lowest), 0 if never measured. */
  inverseKeySpread: number;
  /** Highest key bimodality coefficient, 0 if never measured. */
  keyBimodality: number;
  /** The 1-based input of the first alert (any channel at its level), or null. */
  firstAlert: number | null;
  /** The highest evidence in units of the channels' levels (any threshold's alert: see levelOfScore). */
  peakLevel: number;
}

/** Replays a session's cells through the evidence channels exactly as SessionScorer does. */
export function evidenceRun(model: EvidenceModel, session: CellSession): EvidenceRun {
  const evidence = new EvidenceAccumulator();
  let typing = 0;
  let bulk = 0;
  let inverseKeySpread = 0;
  let keyBimodality = 0;
  let firstAlert: number | null = null;
  let peakLevel = 0;
  const cells = session.cells;
  for (let i = 0; i < cells.length; i++) {
    const word = cells[i]!;
    const tempo = word & 0xff;
    if (tempo === SKIP_TEMPO) continue;
    const spread = session.keySpread[i]!;
    const bimodality = session.keyBimodality[i]!;
    evidence.setKeyGaps(spread, bimodality);
    if (1 / spread > inverseKeySpread) inverseKeySpread = 1 / spread;
    if (bimodality > keyBimodality) keyBimodality = bimodality;
    const lineOrPaste = (word & BULK_BIT) !== 0;
    evidence.add(
      model.tempo[tempo]! + model.regularity[(word >> 8) & 0x3f]! +
        model.reaction[(word >> 14) & 0x1f]! + model.spread[(word >> 19) & 0x1f]! +
        (lineOrPaste ? 0 : model.skew[word >>> SKEW_SHIFT]!),
      lineOrPaste,
      model.levels,
    );
    if (evidence.typing > typing) typing = evidence.typing;
    if (evidence.bulk > bulk) bulk = evidence.bulk;
    const level = evidence.level(model.levels);
    if (level > peakLevel) peakLevel = level;
    if (firstAlert === null && level >= 1) firstAlert = i + 1;
  }
  return { typing, bulk, inverseKeySpread, keyBimodality, firstAlert, peakLevel };
}

/** A labelled group of sessions (a family, a corpus variant). */
export interface SessionGroup {
  name: string;
  sessions: CellSession[];
  counts: CellCounts;
}

function group(name: string, sessions: CellSession[]): SessionGroup {
  const counts = emptyCounts();
  for (const session of sessions) addCounts(counts, session);
  return { name, sessions, counts };
}

/**
 * Fits a model: ratios from the programs' and people's counts, then each
 * channel's level: {@linkcode THRESHOLD_MARGIN} × the highest, over the
 * people's groups (corpus × variant), of the evidence that all but
 * {@linkcode FIT_FALSE_ALERT_SHARE} of the group's sessions stay below;
 * the bimodality channel's likewise (Infinity, never reached, when no
 * session was long enough to measure it); for the evenness channel, the
 * lowest key spread that all but that share of each group's sessions stay
 * above, divided by the margin (0, never reached, then).
 */
export function fitModel(
  programs: readonly SessionGroup[],
  people: readonly SessionGroup[],
): EvidenceModel {
  const model = ratiosFromCounts(
    programs.map((g) => g.counts),
    people.map((g) => g.counts),
    { typing: Infinity, bulk: Infinity, keySpread: 0, keyBimodality: Infinity },
  );
  const levels = { typing: 1, bulk: 1, inverseKeySpread: 0, keyBimodality: 0 };
  for (const g of people) {
    const runs = g.sessions.map((s) => evidenceRun(model, s));
    const index = Math.min(runs.length - 1, Math.floor((1 - FIT_FALSE_ALERT_SHARE) * runs.length));
    const quantile = (values: number[]) => values.sort((a, b) => a - b)[index] ?? 0;
    levels.typing = Math.max(levels.typing, quantile(runs.map((r) => r.typing)));
    levels.bulk = Math.max(levels.bulk, quantile(runs.map((r) => r.bulk)));
    levels.inverseKeySpread = Math.max(
      levels.inverseKeySpread,
      quantile(runs.map((r) => r.inverseKeySpread)),
    );
    levels.keyBimodality = Math.max(
      levels.keyBimodality,
      quantile(runs.map((r) => r.keyBimodality)),
    );
  }
  model.levels = {
    typing: levels.typing * THRESHOLD_MARGIN,
    bulk: levels.bulk * THRESHOLD_MARGIN,
    keySpread: levels.inverseKeySpread > 0 ? 1 / (levels.inverseKeySpread * THRESHOLD_MARGIN) : 0,
    keyBimodality: levels.keyBimodality > 0 ? levels.keyBimodality * THRESHOLD_MARGIN : Infinity,
  };
  return model;
}

/** One family's held-out result. */
export interface FamilyRow {
  family: string;
  sessions: number;
  caughtPercent: number;
  /** Share caught within {@linkcode LINE_ALERT_WITHIN} inputs. */
  withinFivePercent: number;
  medianInputsToAlert: number | null;
  /** Whether the family types key by key (its target is the median), else whole lines (within 5). */
  typing: boolean;
  /** The levels (nats) of the model fitted without this family. */
  levels: EvidenceLevels;
}

/**
 * Edges of the spread bands (CV of each key's delay, or of each mode's) the
 * random-delay families are broken down by: narrow, medium, and as wide as
 * a person's.
 */
export const SPREAD_BAND_EDGES = [0.2, 0.4] as const;
const [SPREAD_LOW, SPREAD_HIGH] = SPREAD_BAND_EDGES;
/** Names of the spread bands, narrowest first. */
export const SPREAD_BANDS = [
  `< ${SPREAD_LOW}`,
  `${SPREAD_LOW}–${SPREAD_HIGH}`,
  `≥ ${SPREAD_HIGH}`,
] as const;

/** A random-delay family's held-out sessions within one spread band. */
export interface SpreadRow {
  family: string;
  /** The band, e.g. `0.2–0.4`. */
  band: string;
  sessions: number;
  caughtPercent: number;
}

/** The spread band a delay CV falls in (edges belong to the wider band). */
export function spreadBand(cv: number): string {
  return SPREAD_BANDS[cv < SPREAD_LOW ? 0 : cv < SPREAD_HIGH ? 1 : 2];
}

/**
 * A family's rows by spread band, from each session's band and first alert
 * (null: none); a band without sessions has no row.
 */
export function spreadRows(
  family: string,
  bands: readonly string[],
  firsts: readonly (number | null)[],
): SpreadRow[] {
  return SPREAD_BANDS.flatMap((band) => {
    const inBand = firsts.filter((_, i) => bands[i] === band);
    if (inBand.length === 0) return [];
    const caught = inBand.filter((f) => f !== null).length;
    return [{
      family,
      band,
      sessions: inBand.length,
      caughtPercent: percent(caught, inBand.length),
    }];
  });
}

/** One human group's result on held-out people. */
export interface HumanRow {
  corpus: string;
  variant: string;
  sessions: number;
  alerted: number;
  alertedPercent: number;
}

/**
 * Alert thresholds the trade-off table compares, the default
 * ({@linkcode SCORE_AT_LEVEL}) among them.
 */
export const TRADE_OFF_THRESHOLDS = [0.6, 0.65, 0.68, SCORE_AT_LEVEL, 0.76, 0.8] as const;

/** What one alert threshold catches and costs, on the same held-out sessions. */
export interface ThresholdRow {
  threshold: number;
  /** Each family's held-out sessions caught at this threshold (order of `families`), percent. */
  caughtPercent: number[];
  /** Held-out people's sessions ever alerted, every corpus and variant together, percent. */
  peopleAlertedPercent: number;
  /** The corpus × variant with the most alerted at this threshold. */
  worstHuman: HumanRow;
}

/** One corpus left out of the fit entirely, measured on its held-out people. */
export interface CorpusRow {
  corpus: string;
  /** Held-out sessions of the corpus, every variant. */
  sessions: number;
  alerted: number;
  alertedPercent: number;
}

/** The whole calibration result. */
export interface CalibrationResult {
  families: FamilyRow[];
  /** The random-delay families, held out as in {@linkcode families}, by spread band. */
  spreads: SpreadRow[];
  human: HumanRow[];
  /** Leave-one-corpus-out: each corpus by a model fitted on the other corpora's people. */
  corpora: CorpusRow[];
  /** The same held-out sessions at other alert thresholds ({@linkcode TRADE_OFF_THRESHOLDS}). */
  thresholds: ThresholdRow[];
  /** The model fitted on every family and the fitting people. */
  model: EvidenceModel;
  fitPeople: number;
  heldOutPeople: number;
}

/** Options of {@linkcode runCalibration}. */
export interface CalibrationOptions {
  /** ../shared/data. */
  dataRoot: string;
  /** Sessions read per corpus (default all). */
  limit?: number;
  /** Generated sessions per family, for fitting and again for measuring (default 200). */
  sessions?: number;
  /** Seed of every random choice (default 1). */
  seed?: number;
  /** Called with progress lines. */
  progress?: (line: string) => void;
}

/** Whether a person is in the held-out half (a fixed hash of corpus and person). */
export function isHeldOutPerson(corpus: string, person: string): boolean {
  let hash = 2166136261;
  for (const char of `${corpus}/${person}`) {
    hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  }
  return ((hash >>> 0) & 1) === 1;
}

/** Runs the calibration. */
export async function runCalibration(options: CalibrationOptions): Promise<CalibrationResult> {
  const seed = options.seed ?? 1;
  const perFamily = options.sessions ?? 200;
  const progress = options.progress ?? (() => {});
  const fitPeople: SessionGroup[] = [];
  const heldPeople: { corpus: HumanCorpus; variant: string; group: SessionGroup }[] = [];
  let fitCount = 0;
  let heldCount = 0;
  for (const corpus of HUMAN_CORPORA) {
    const people = await loadHumanCorpus(corpus, {
      dataRoot: options.dataRoot,
      limit: options.limit,
      seed,
    });
    const fit = people.filter((p) => !isHeldOutPerson(corpus, p.person));
    const held = people.filter((p) => isHeldOutPerson(corpus, p.person));
    fitCount += fit.length;
    heldCount += held.length;
    HUMAN_VARIANTS.forEach((variant, v) => {
      const build = (list: typeof people, offset: number) =>
        list.map((p, i) =>
          cellsOf(humanSession(p.keys, variant, seed * 1_000_003 + offset + i * 31 + v))
        );
      const draws = Array.from({ length: FIT_DRAWS }, (_, d) => build(fit, d * 10_000));
      fitPeople.push(group(`${corpus} ${variant}`, draws.flat()));
      heldPeople.push({
        corpus,
        variant,
        group: group(`${corpus} ${variant}`, build(held, 500_000)),
      });
    });
    // One long session per held-out person: every variant one after another.
    const marathon = held.map((p, i) =>
      concatCells(
        HUMAN_VARIANTS.map((variant, v) =>
          cellsOf(humanSession(p.keys, variant, seed * 7 + i * 31 + v))
        ),
      )
    );
    heldPeople.push({
      corpus,
      variant: "all variants in one session",
      group: group(corpus, marathon),
    });
    progress(`${corpus}: ${fit.length} people fitted, ${held.length} held out`);
  }
  const fitFamilies: SessionGroup[] = [];
  const measureFamilies: SessionGroup[] = [];
  /** Each measured random-delay session's spread band, by family. */
  const measureBands = new Map<string, string[]>();
  AUTOMATION_FAMILIES.forEach((family, f) => {
    const make = (base: number) =>
      Array.from(
        { length: perFamily },
        (_, i) => generateAutomationSession(family, base + f * 100_000 + i),
      );
    fitFamilies.push(group(family, make(seed * 10_000_019).map((s) => cellsOf(s.events))));
    const measured = make(seed * 10_000_019 + 5_000_000);
    measureFamilies.push(group(family, measured.map((s) => cellsOf(s.events))));
    if (RANDOM_DELAY_FAMILIES.has(family)) {
      measureBands.set(family, measured.map((s) => spreadBand(s.parameters.cv!)));
    }
  });
  const casts = (await loadCasts(options.dataRoot)).map((c) => cellsOf(c.events));
  // The recordings are a family too: half fit, half measure (by file order).
  fitFamilies.push(group(TBENCH_FAMILY, casts.filter((_, i) => i % 2 === 0)));
  measureFamilies.push(group(TBENCH_FAMILY, casts.filter((_, i) => i % 2 === 1)));
  progress(`${measureFamilies.length} families generated`);

  const spreads: SpreadRow[] = [];
  const familyPeaks: number[][] = [];
  const families: FamilyRow[] = measureFamilies.map((held, index) => {
    const model = fitModel(fitFamilies.filter((_, i) => i !== index), fitPeople);
    const runs = held.sessions.map((s) => evidenceRun(model, s));
    familyPeaks.push(runs.map((r) => r.peakLevel));
    const firsts = runs.map((r) => r.firstAlert);
    const bands = measureBands.get(held.name);
    if (bands !== undefined) spreads.push(...spreadRows(held.name, bands, firsts));
    const caught = firsts.filter((f): f is number => f !== null).sort((a, b) => a - b);
    return {
      family: held.name,
      sessions: held.sessions.length,
      caughtPercent: percent(caught.length, held.sessions.length),
      withinFivePercent: percent(
        caught.filter((f) => f <= LINE_ALERT_WITHIN).length,
        held.sessions.length,
      ),
      medianInputsToAlert: caught.length === 0
        ? null
        : caught[Math.floor((caught.length - 1) / 2)]!,
      typing: TYPING_FAMILIES.has(held.name),
      levels: model.levels,
    };
  });
  const model = fitModel(fitFamilies, fitPeople);
  const humanPeaks = heldPeople.map(({ group: g }) =>
    g.sessions.map((s) => evidenceRun(model, s).peakLevel)
  );
  // A session is alerted at a threshold when its peak reaches that threshold's level.
  const humanRowsAt = (alertAt: number): HumanRow[] =>
    heldPeople.map(({ corpus, variant, group: g }, i) => {
      const alerted = humanPeaks[i]!.filter((peak) => peak >= alertAt).length;
      return {
        corpus,
        variant,
        sessions: g.sessions.length,
        alerted,
        alertedPercent: percent(alerted, g.sessions.length),
      };
    });
  const human = humanRowsAt(1);
  const thresholds = TRADE_OFF_THRESHOLDS.map((threshold) => {
    const alertAt = levelOfScore(threshold);
    const rows = humanRowsAt(alertAt);
    const sum = (pick: (r: HumanRow) => number) => rows.reduce((total, r) => total + pick(r), 0);
    return {
      threshold,
      caughtPercent: familyPeaks.map((peaks) =>
        percent(peaks.filter((peak) => peak >= alertAt).length, peaks.length)
      ),
      peopleAlertedPercent: percent(sum((r) => r.alerted), sum((r) => r.sessions)),
      worstHuman: worstHumanRow(rows),
    };
  });
  const corpora = HUMAN_CORPORA.map((corpus) => {
    const without = fitModel(
      fitFamilies,
      fitPeople.filter((g) => !g.name.startsWith(`${corpus} `)),
    );
    const sessions = heldPeople.filter((h) => h.corpus === corpus).flatMap((h) => h.group.sessions);
    const alerted = sessions.filter((s) => evidenceRun(without, s).firstAlert !== null).length;
    return {
      corpus,
      sessions: sessions.length,
      alerted,
      alertedPercent: percent(alerted, sessions.length),
    };
  });
  return {
    families,
    spreads,
    human,
    corpora,
    thresholds,
    model,
    fitPeople: fitCount,
    heldOutPeople: heldCount,
  };
}

/** The worst family row: the lowest share caught (for typing, ties by slowest median). */
export function worstFamily(result: CalibrationResult): FamilyRow {
  return result.families.reduce((worst, row) =>
    row.caughtPercent < worst.caughtPercent ? row : worst
  );
}

/** The human row with the largest share alerted (the first of equals). */
export function worstHumanRow(rows: readonly HumanRow[]): HumanRow {
  return rows.reduce((worst, row) => row.alertedPercent > worst.alertedPercent ? row : worst);
}

/** The result as the Markdown tables that go in README.md. */
export function formatCalibration(result: CalibrationResult): string {
  const worst = worstFamily(result);
  const worstHuman = worstHumanRow(result.human);
  return [
    `Leave-one-family-out: each family measured on sessions of its own (other seeds) by a model fitted without it.`,
    "",
    "| Family (held out) | Kind | Sessions | Caught | Caught within 5 inputs | Median inputs to first alert |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
    ...result.families.map((r) =>
      `| ${r.family} | ${r.typing ? "typing" : "lines/chunks"} | ${r.sessions} | ${
        r.caughtPercent.toFixed(1)
      } % | ${r.withinFivePercent.toFixed(1)} % | ${r.medianInputsToAlert ?? "–"} |`
    ),
    "",
    `Worst family: ${worst.family}, ${worst.caughtPercent.toFixed(1)} % caught.`,
    "",
    "The families drawing each delay at random, by its spread (CV of the law, of each mode for mixture-delay; sessions in the band: caught):",
    "",
    `| Family (held out) | ${SPREAD_BANDS.map((b) => `CV ${b}`).join(" | ")} |`,
    `| --- | ${SPREAD_BANDS.map(() => "---:").join(" | ")} |`,
    ...[...new Set(result.spreads.map((r) => r.family))].map((family) =>
      `| ${family} | ${
        SPREAD_BANDS.map((band) => {
          const r = result.spreads.find((s) => s.family === family && s.band === band);
          return r === undefined ? "–" : `${r.sessions}: ${r.caughtPercent.toFixed(1)} %`;
        }).join(" | ")
      } |`
    ),
    "",
    `People held out (${result.heldOutPeople} people; the model was fitted on ${result.fitPeople} others), shipped model, levels (score 0.72): typing ${
      result.model.levels.typing.toFixed(1)
    } nats, bulk ${result.model.levels.bulk.toFixed(1)} nats, key spread ${
      result.model.levels.keySpread.toFixed(3)
    } octaves, key bimodality ${result.model.levels.keyBimodality.toFixed(3)}:`,
    "",
    `| Variant | ${HUMAN_CORPORA.join(" | ")} |`,
    `| --- | ${HUMAN_CORPORA.map(() => "---:").join(" | ")} |`,
    ...[...new Set(result.human.map((r) => r.variant))].map((variant) =>
      `| ${variant} | ${
        HUMAN_CORPORA.map((corpus) => {
          const r = result.human.find((h) => h.corpus === corpus && h.variant === variant);
          return r === undefined
            ? "–"
            : `${r.alerted}/${r.sessions} (${r.alertedPercent.toFixed(2)} %)`;
        }).join(" | ")
      } |`
    ),
    "",
    `Worst human row: ${worstHuman.corpus} ${worstHuman.variant}, ${
      worstHuman.alertedPercent.toFixed(2)
    } %.`,
    "",
    "Leave-one-corpus-out: each corpus's held-out people (every variant) by a model fitted without any person of that corpus:",
    "",
    "| Corpus left out | Sessions | Ever alerted |",
    "| --- | ---: | ---: |",
    ...result.corpora.map((r) =>
      `| ${r.corpus} | ${r.sessions} | ${r.alerted} (${r.alertedPercent.toFixed(2)} %) |`
    ),
    "",
    "Other alert thresholds (`--threshold`), the same held-out sessions: each family caught by the model fitted without it, and the held-out people by the shipped model:",
    "",
    `| Held out | ${result.thresholds.map((t) => t.threshold.toFixed(2)).join(" | ")} |`,
    `| --- | ${result.thresholds.map(() => "---:").join(" | ")} |`,
    ...result.families.map((r, i) =>
      `| ${r.family} | ${
        result.thresholds.map((t) => `${t.caughtPercent[i]!.toFixed(1)} %`).join(" | ")
      } |`
    ),
    `| people, every session | ${
      result.thresholds.map((t) => `${t.peopleAlertedPercent.toFixed(2)} %`).join(" | ")
    } |`,
    `| people, worst row | ${
      result.thresholds.map((t) => `${t.worstHuman.alertedPercent.toFixed(2)} %`).join(" | ")
    } |`,
    "",
    `Worst rows: ${
      result.thresholds.map((t) =>
        `${t.threshold.toFixed(2)} ${t.worstHuman.corpus} ${t.worstHuman.variant}`
      ).join("; ")
    }.`,
  ].join("\n");
}

/** The shipped model as the source of src/score/evidence_tables.ts. */
export function formatModelSource(model: EvidenceModel): string {
  // One value per line, as deno fmt lays out a long array: the file stays fmt-clean.
  const array = (values: Float64Array) =>
    `new Float64Array([\n${[...values].map((v) => `    ${Number(v.toFixed(3))},\n`).join("")}  ])`;
  return `/**
 * The calibrated evidence model, generated by \`deno task calibrate --write\`
 * (tools/calibrate.ts): fitted on every automation family and the fitting
 * half of the people. Do not edit by hand.
 *
 * @module
 */
import type { EvidenceModel } from "./evidence_model.ts";

/** The calibrated evidence model. */
export const DEFAULT_EVIDENCE_MODEL: Readonly<EvidenceModel> = Object.freeze({
  tempo: ${array(model.tempo)},
  regularity: ${array(model.regularity)},
  reaction: ${array(model.reaction)},
  spread: ${array(model.spread)},
  skew: ${array(model.skew)},
  levels: Object.freeze({
    typing: ${Number(model.levels.typing.toFixed(3))},
    bulk: ${Number(model.levels.bulk.toFixed(3))},
    keySpread: ${Number(model.levels.keySpread.toFixed(3))},
    keyBimodality: ${Number(model.levels.keyBimodality.toFixed(3))},
  }),
});
`;
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
      write: { type: "boolean", default: false },
      limit: { type: "string" },
      sessions: { type: "string" },
      seed: { type: "string" },
      "impostor-only": { type: "boolean", default: false },
      model: { type: "boolean", default: false },
    },
  });
  const dataRoot = findDataRoot();
  if (dataRoot === undefined) {
    console.error(
      "calibrate: Cannot find the calibration data at ../shared/data; set GHOST_HUNTER_DATA_DIR to its aalto-136m-sample folder",
    );
    Deno.exit(1);
  }
  const number = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) {
      console.error(`calibrate: --${name} must be an integer ≥ 1, got "${text}"`);
      Deno.exit(2);
    }
    return value;
  };
  const seed = number("seed", values.seed);
  const limit = number("limit", values.limit);
  const result = values["impostor-only"] || values.model ? undefined : await runCalibration({
    dataRoot,
    limit,
    sessions: number("sessions", values.sessions),
    seed,
    progress: (line) => console.error(line),
  });
  if (values.write && result !== undefined) {
    const path = new URL("../src/score/evidence_tables.ts", import.meta.url);
    await Deno.writeTextFile(path, formatModelSource(result.model));
    console.error(`Wrote ${path.pathname}`);
  }
  const sittingsDir = `${dataRoot}/fr_keystrokes_leoneb`;
  const impostor: ImpostorEvaluation = await runImpostorEvaluation({
    typing: await loadParticipantTyping({ dataDir: `${dataRoot}/aalto-136m-sample`, limit }),
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
