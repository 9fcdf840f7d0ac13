/**
 * Replay: runs a recorded trace through the same scoring engine the live
 * agent uses, writing alerts as they happen and one summary per session.
 *
 * @module
 */
import { anomalyAlert } from "../alerts/ecs_alert.ts";
import { ScoringEngine } from "../score/scoring_engine.ts";
import { DEFAULT_CONFIG, DEFAULT_REPLAY_MAX_SESSIONS } from "../config/defaults.ts";
import type { EvidenceModel } from "../score/evidence_model.ts";
import { readTrace, type TraceFormatError } from "../trace/trace_reader.ts";
import type { TraceEvent } from "../trace/trace_event.ts";
import type { ImpostorMonitor, ImpostorStatus } from "../profile/impostor_monitor.ts";
import { impostorAlert } from "../profile/impostor_alert.ts";

/** How replay writes its results. */
export type ReplayFormat = "json" | "table";

/** Options of {@linkcode replay}. */
export interface ReplayOptions {
  /** Trace file, or "-" for stdin. */
  path: string;
  /** "json": one JSON line per alert and per session summary; "table": readable. */
  format: ReplayFormat;
  /** Alert threshold; default `DEFAULT_CONFIG.threshold`. */
  threshold?: number;
  /** Count and report malformed lines instead of stopping at the first. */
  skipInvalid?: boolean;
  /** Sessions the engine tracks at once; default 100000. */
  maxSessions?: number;
  /** Evidence model; default the calibrated one. */
  scorer?: EvidenceModel;
  /** Wall clock for alerts' `@timestamp`; default the system clock. */
  now?: () => Date;
  /** Score sessions against stored profiles (`--profiles`). */
  impostor?: {
    monitor: ImpostorMonitor;
    /** The user a session's event belongs to, if known. */
    userOf: (event: TraceEvent) => string | undefined;
    /** Merge the sessions that raised no alert into the profiles at the end (`--enrol`). */
    enrol: boolean;
  };
}

/** The summary of one session, as printed. */
export interface SessionSummary {
  type: "session_summary";
  session: string;
  /** Events of the session in the file (input and output). */
  events: number;
  max_score: number;
  alerted: boolean;
  /** 1-based index among the session's events of the first alert. */
  first_alert_event: number | null;
  /** With profiles: the session against its user's profile. */
  impostor?: ImpostorStatus;
}

/** What a replay found. */
export interface ReplayResult {
  /** Per session, in order of first appearance. */
  sessions: SessionSummary[];
  /** Events scored. */
  events: number;
  /** Alerts written. */
  alerts: number;
  /** Malformed lines skipped (with `skipInvalid`). */
  invalidLines: TraceFormatError[];
  /** Sessions the engine evicted to stay within `maxSessions`. */
  evictions: number;
}

/** Replays a trace, calling `write` once per output line (without "\n"). */
export async function replay(
  options: ReplayOptions,
  write: (line: string) => void,
): Promise<ReplayResult> {
  const threshold = options.threshold ?? DEFAULT_CONFIG.threshold;
  const engine = new ScoringEngine({
    threshold,
    maxSessions: options.maxSessions ?? DEFAULT_REPLAY_MAX_SESSIONS,
    scorer: options.scorer,
  });
  const now = options.now ?? (() => new Date());
  const summaries = new Map<string, SessionSummary>();
  const invalidLines: TraceFormatError[] = [];
  let events = 0;
  let alerts = 0;
  for await (
    const { event } of readTrace(options.path, {
      skipInvalid: options.skipInvalid,
      onInvalid: (error) => invalidLines.push(error),
    })
  ) {
    events += 1;
    let summary = summaries.get(event.session);
    if (summary === undefined) {
      summary = {
        type: "session_summary",
        session: event.session,
        events: 0,
        max_score: 0,
        alerted: false,
        first_alert_event: null,
      };
      summaries.set(event.session, summary);
    }
    summary.events += 1;
    const verdict = engine.observe(event);
    if (verdict.score > summary.max_score) summary.max_score = verdict.score;
    if (options.impostor !== undefined) {
      const { monitor, userOf } = options.impostor;
      if (verdict.alert) monitor.markAutomation(event.session);
      const finding = event.dir === "in"
        ? monitor.observeInput(event.session, userOf(event), event)
        : undefined;
      if (finding !== undefined) {
        alerts += 1;
        write(
          options.format === "json"
            ? JSON.stringify(impostorAlert(finding, {
              timestamp: now(),
              dryRun: true,
              response: "alert",
              traceTMs: event.t,
            }))
            : `impostor  ${event.session}  user ${finding.user}  input ${finding.inputs}  distance ${
              finding.distance.toFixed(3)
            } > bound ${
              finding.bound.toFixed(3)
            }  (profile: ${finding.profileSessions} sessions, ${finding.profileInputs} inputs; ${
              100 * finding.falseAlertRate
            } % of the owner's windows go past it)`,
        );
      }
    }
    if (!verdict.alert || verdict.features === undefined) continue;
    alerts += 1;
    if (!summary.alerted) {
      summary.alerted = true;
      summary.first_alert_event = summary.events;
    }
    if (options.format === "json") {
      write(JSON.stringify(anomalyAlert({
        session: event.session,
        score: verdict.score,
        threshold,
        features: verdict.features,
        eventIndex: summary.events,
        dryRun: true,
        timestamp: now(),
        process: { pid: event.pid, name: event.comm },
        userId: event.uid,
        traceTMs: event.t,
      })));
    } else {
      const f = verdict.features;
      write(
        `alert  ${event.session}  event ${summary.events}  score ${
          verdict.score.toFixed(3)
        }  (typing ${f.typing_evidence_nats.toFixed(1)}/${
          f.typing_level_nats.toFixed(1)
        } nats, bulk ${f.bulk_evidence_nats.toFixed(1)}/${
          f.bulk_level_nats.toFixed(1)
        } nats, key spread ${f.key_spread_octaves?.toFixed(2) ?? "-"}/${
          f.key_spread_level_octaves.toFixed(2)
        } octaves, bimodality ${f.key_bimodality?.toFixed(2) ?? "-"}/${
          f.key_bimodality_level.toFixed(2)
        }, last input ${f.last_gesture}: tempo ${f.last_tempo_nats.toFixed(2)}, regularity ${
          f.last_regularity_nats.toFixed(2)
        }, reaction ${f.last_reaction_nats.toFixed(2)}, spread ${f.last_spread_nats.toFixed(2)})`,
      );
    }
  }
  const sessions = [...summaries.values()];
  if (options.impostor !== undefined) {
    for (const summary of sessions) {
      const status = options.impostor.monitor.status(summary.session);
      if (status !== undefined) summary.impostor = status;
    }
    if (options.impostor.enrol) options.impostor.monitor.endAll();
  }
  if (options.format === "json") {
    for (const summary of sessions) write(JSON.stringify(summary));
  } else {
    writeTable(sessions, write, options.impostor !== undefined);
    if (invalidLines.length > 0) {
      write(`Skipped ${invalidLines.length} invalid line(s).`);
    }
  }
  return {
    sessions,
    events,
    alerts,
    invalidLines,
    evictions: engine.evictions,
  };
}

function writeTable(
  sessions: SessionSummary[],
  write: (line: string) => void,
  withProfiles: boolean,
): void {
  const rows = [
    ["session", "events", "max score", "alerted", "first alert event"],
    ...sessions.map((s) => [
      s.session,
      String(s.events),
      s.max_score.toFixed(3),
      s.alerted ? "yes" : "no",
      s.first_alert_event === null ? "-" : String(s.first_alert_event),
    ]),
  ];
  if (withProfiles) {
    rows[0]!.push("impostor");
    sessions.forEach((s, i) =>
      rows[i + 1]!.push(
        s.impostor === undefined
          ? "-"
          : `${s.impostor.user ?? "?"}: ${s.impostor.state}${
            s.impostor.distance === undefined ? "" : ` ${s.impostor.distance.toFixed(3)}`
          }`,
      )
    );
  }
  // A loop, not Math.max(...column): a trace may hold more sessions than
  // a call can take arguments.
  const widths = rows[0]!.map(() => 0);
  for (const row of rows) {
    row.forEach((cell, c) => {
      if (cell.length > widths[c]!) widths[c] = cell.length;
    });
  }
  for (const row of rows) {
    write(
      row.map((cell, c) => c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))
        .join("  ").trimEnd(),
    );
  }
}
