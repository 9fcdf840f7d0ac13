import assert from "node:assert/strict";
import { parseParticipant, toHumanSession } from "../../tools/sessions/human_sessions.ts";
import { seededRandom } from "../../tools/sessions/seeded_random.ts";
import { InputShape } from "../../src/score/input_shape.ts";
import { scoreOfLevel, SessionScorer } from "../../src/score/session_scorer.ts";
import {
  cellsOf,
  evidenceRun,
  formatCalibration,
  LINE_ALERT_WITHIN,
  runCalibration,
  SPREAD_BANDS,
  spreadBand,
  spreadRows,
  TRADE_OFF_THRESHOLDS,
  worstHumanRow,
} from "../../tools/calibrate.ts";
import {
  AUTOMATION_FAMILIES,
  generateAutomationSession,
  RANDOM_DELAY_FAMILIES,
} from "../../tools/sessions/automation_families.ts";
import { findDataRoot, HUMAN_CORPORA } from "../../tools/sessions/human_corpora.ts";
import { HUMAN_VARIANTS } from "../../tools/sessions/terminal_habits.ts";
import { DEFAULT_EVIDENCE_MODEL } from "../../src/score/evidence_tables.ts";
import { humanDataBlocker, skipOrFail } from "../support/gate.ts";

const CALIBRATION =
  "calibration on a subset: every family held out in turn, every corpus and variant on held-out people";

Deno.test({
  name: CALIBRATION,
  ignore: skipOrFail(CALIBRATION, humanDataBlocker()),
  async fn() {
    const result = await runCalibration({ dataRoot: findDataRoot()!, limit: 16, sessions: 24 });
    console.log(formatCalibration(result));
    assert.deepEqual(
      result.families.map((r) => r.family),
      [...AUTOMATION_FAMILIES, "tbench-recordings"],
    );
    assert.deepEqual(result.corpora.map((r) => r.corpus), [...HUMAN_CORPORA]);
    for (const corpus of HUMAN_CORPORA) {
      const rows = result.human.filter((r) => r.corpus === corpus).map((r) => r.variant);
      assert.deepEqual(rows, [...HUMAN_VARIANTS, "all variants in one session"]);
    }
    // Each random-delay family's held-out sessions fall into the spread bands, all of them,
    // and the bands' caught shares add up to the family's.
    for (const family of RANDOM_DELAY_FAMILIES) {
      const bands = result.spreads.filter((r) => r.family === family);
      const row = result.families.find((r) => r.family === family)!;
      assert.equal(bands.reduce((n, b) => n + b.sessions, 0), row.sessions, family);
      const caught = bands.reduce((n, b) => n + b.caughtPercent * b.sessions / 100, 0);
      assert.ok(Math.abs(caught - row.caughtPercent * row.sessions / 100) < 1e-9, family);
    }
    assert.ok(result.spreads.every((r) => RANDOM_DELAY_FAMILIES.has(r.family)));
    // Decisive evidence stays decisive even fitted on a subset.
    const lines = result.families.find((r) => r.family === "whole-line")!;
    assert.ok(
      lines.withinFivePercent >= 80,
      `whole-line: ${lines.withinFivePercent} % within ${LINE_ALERT_WITHIN}`,
    );
    assert.ok(result.model.levels.typing > 0 && result.model.levels.bulk > 0);
    assert.ok(result.model.levels.keySpread > 0);
    // The trade-off table: its default column is the tables above, and a lower
    // threshold never catches fewer sessions nor alerts fewer people.
    assert.deepEqual(result.thresholds.map((t) => t.threshold), [...TRADE_OFF_THRESHOLDS]);
    const atDefault = result.thresholds.find((t) => t.threshold === 0.72)!;
    assert.deepEqual(atDefault.caughtPercent, result.families.map((r) => r.caughtPercent));
    assert.deepEqual(atDefault.worstHuman, worstHumanRow(result.human));
    const alerted = result.human.reduce((n, r) => n + r.alerted, 0);
    const sessions = result.human.reduce((n, r) => n + r.sessions, 0);
    assert.equal(atDefault.peopleAlertedPercent, 100 * alerted / sessions);
    result.thresholds.slice(1).forEach((higher, i) => {
      const lower = result.thresholds[i]!;
      assert.ok(lower.threshold < higher.threshold);
      assert.ok(lower.peopleAlertedPercent >= higher.peopleAlertedPercent);
      higher.caughtPercent.forEach((caught, f) => assert.ok(lower.caughtPercent[f]! >= caught));
    });
    // The thresholds tell families apart: below the default some random-delay
    // family is caught more often than at it.
    const lowest = result.thresholds[0]!;
    assert.ok(lowest.caughtPercent.some((caught, f) => caught > atDefault.caughtPercent[f]!));
  },
});

Deno.test("a delay CV falls in its spread band, edges in the wider one", () => {
  assert.deepEqual(
    [0.02, 0.199, 0.2, 0.399, 0.4, 0.8].map(spreadBand),
    [
      SPREAD_BANDS[0],
      SPREAD_BANDS[0],
      SPREAD_BANDS[1],
      SPREAD_BANDS[1],
      SPREAD_BANDS[2],
      SPREAD_BANDS[2],
    ],
  );
  assert.deepEqual([...SPREAD_BANDS], ["< 0.2", "0.2–0.4", "≥ 0.4"]);
});

Deno.test("spread rows count each band's sessions and alerts, and skip empty bands", () => {
  const [narrow, , wide] = SPREAD_BANDS;
  assert.deepEqual(spreadRows("f", [narrow, wide, narrow, narrow], [3, null, null, 7]), [
    { family: "f", band: narrow, sessions: 3, caughtPercent: 200 / 3 },
    { family: "f", band: wide, sessions: 1, caughtPercent: 0 },
  ]);
});

Deno.test("the calibration's replay of cells alerts exactly where the live scorer does, and peaks as high", () => {
  for (const family of AUTOMATION_FAMILIES) {
    // More random-delay sessions, so that some alert on their evenness alone.
    const seeds = RANDOM_DELAY_FAMILIES.has(family) ? 20 : 6;
    for (let seed = 1; seed <= seeds; seed++) {
      const { events } = generateAutomationSession(family, seed);
      const scorer = new SessionScorer();
      let inputs = 0;
      let first: number | null = null;
      let peak = 0;
      for (const e of events) {
        if (e.dir === "in") inputs += 1;
        const score = scorer.observe(e.t, e.dir, e.bytes, e.shape);
        if (score >= 0.72 && first === null) first = inputs;
        peak = Math.max(peak, score);
      }
      const replayed = evidenceRun(DEFAULT_EVIDENCE_MODEL, cellsOf(events));
      assert.equal(replayed.firstAlert, first, `${family} seed ${seed}`);
      // Its peak is the live scorer's highest score, which the trade-off table reads.
      assert.ok(Math.abs(scoreOfLevel(replayed.peakLevel) - peak) < 1e-9, `${family} seed ${seed}`);
    }
  }
});

const HEADER =
  "PARTICIPANT_ID\tTEST_SECTION_ID\tSENTENCE\tUSER_INPUT\tKEYSTROKE_ID\tPRESS_TIME\tRELEASE_TIME\tLETTER\tKEYCODE";

function row(section: number, t: number, letter: string): string {
  return `7\t${section}\ts\tu\t1\t${t}\t${t + 90}\t${letter}\t0`;
}

// Made-up presses (not from the sample) exercising every loading rule.
const MADE_UP = [
  HEADER,
  row(2, 1000, "SHIFT"),
  row(2, 1010, "H"),
  row(2, 1205, "i"),
  row(2, 1213, "ARW_LEFT"),
  "7\t2\ttoo few fields",
  row(2, 1400, "!"),
  row(3, 5000, "o"),
  row(3, 5250, "k"),
].join("\n");

Deno.test("presses become a session: modifiers dropped, escape keys 3 bytes, Enter per sentence", () => {
  const typing = parseParticipant("7", MADE_UP);
  assert.deepEqual(typing.sentences.map((s) => s.map((p) => [p.t, p.bytes])), [
    [[1010, 1], [1205, 1], [1213, 3], [1400, 1]],
    [[5000, 1], [5250, 1]],
  ]);
  const plain = toHumanSession(typing, "plain", seededRandom(1));
  const ts = plain.events.map((e) => e.t);
  assert.equal(plain.events.length, 8); // 6 presses + 2 Enters
  assert.deepEqual(ts.slice(0, 4), [0, 195, 203, 390]);
  assert.ok(ts[4]! > 390 && ts[4]! < 3990, "Enter between the sentences");
  assert.deepEqual(ts.slice(5, 7), [3990, 4240]);
  assert.ok(ts.every((t, i) => i === 0 || t >= ts[i - 1]!), "time order");
  const { SINGLE, ESCAPE, ENTER } = InputShape;
  assert.deepEqual(plain.events.map((e) => e.shape), [
    SINGLE,
    SINGLE,
    ESCAPE,
    SINGLE,
    ENTER,
    SINGLE,
    SINGLE,
    ENTER,
  ]);
});

Deno.test("OpenSSH variant quantizes up to 20 ms and merges presses in one tick", () => {
  const typing = parseParticipant("7", MADE_UP);
  const ssh = toHumanSession(typing, "openssh", seededRandom(1));
  // 1205 and 1213 both arrive at tick 1220: one input of 1 + 3 bytes.
  assert.deepEqual(ssh.events.slice(0, 3), [
    { t: 0, bytes: 1, shape: InputShape.SINGLE },
    { t: 200, bytes: 4, shape: InputShape.OTHER },
    { t: 380, bytes: 1, shape: InputShape.SINGLE },
  ]);
  assert.ok(ssh.events.every((e) => (e.t + 1020) % 20 === 0));
});

Deno.test("OpenSSH variant shapes a merged chunk as the probe would: Enter last, else ESC first", () => {
  const typing = {
    participant: "7",
    sentences: [
      // One gap of 5 ms: Enter 5 ms after the last key, in the same tick.
      [{ t: 1000, bytes: 1 }, { t: 1005, bytes: 1 }],
      // An arrow and a key in one tick, then a key in a later one.
      [{ t: 3001, bytes: 3 }, { t: 3003, bytes: 1 }, { t: 3050, bytes: 1 }],
    ],
  };
  const ssh = toHumanSession(typing, "openssh", seededRandom(1));
  assert.deepEqual(ssh.events.slice(0, 3), [
    { t: 0, bytes: 1, shape: InputShape.SINGLE },
    { t: 20, bytes: 2, shape: InputShape.ENTER },
    { t: 2020, bytes: 4, shape: InputShape.ESCAPE },
  ]);
  assert.equal(ssh.events.at(-1)!.shape, InputShape.ENTER);
});

Deno.test("jittered variant delays each key by 0-15 ms and keeps order", () => {
  const typing = parseParticipant("7", MADE_UP);
  // Same seed: the same Enter times, then one delay draw per key.
  const plain = toHumanSession(typing, "plain", seededRandom(5));
  const jittered = toHumanSession(typing, "jittered", seededRandom(5));
  assert.equal(jittered.events.length, plain.events.length);
  let moved = 0;
  for (let i = 1; i < jittered.events.length; i++) {
    const shift = jittered.events[i]!.t - plain.events[i]!.t;
    // Both are relative to their first input, itself delayed by 0-15 ms.
    assert.ok(Math.abs(shift) < 15, `input ${i} moved ${shift} ms`);
    if (shift !== 0) moved++;
    assert.ok(jittered.events[i]!.t >= jittered.events[i - 1]!.t);
  }
  assert.ok(moved > 0);
});
