/**
 * Alert objects in Elastic Common Schema shape (nested objects, as ECS JSON
 * documents are written), with ghost-hunter's own fields under
 * `ghost_hunter`. Every alert type builds on {@linkcode ecsAlert}.
 *
 * @module
 */
import type { ScoreFeatures } from "../score/session_scorer.ts";

/** The process behind an alert, when known. */
export interface AlertProcess {
  pid?: number;
  name?: string;
}

/** Fields of {@linkcode ecsAlert}. */
export interface EcsAlertFields {
  /** `event.action`, e.g. "ghost-hunter-anomaly". */
  action: string;
  /** The terminal, e.g. "pts/3" (`process.tty.name`). */
  session: string;
  /** Everything under `ghost_hunter` (session is added). */
  ghostHunter: Record<string, unknown>;
  process?: AlertProcess;
  /** `user.id`. */
  userId?: number | string;
  /** `@timestamp`. */
  timestamp: Date;
}

/** An ECS alert document. */
export type EcsAlert = Record<string, unknown>;

/** Builds an ECS alert document. */
export function ecsAlert(fields: EcsAlertFields): EcsAlert {
  const process: Record<string, unknown> = {
    tty: { name: fields.session },
  };
  if (fields.process?.pid !== undefined) process.pid = fields.process.pid;
  if (fields.process?.name !== undefined) process.name = fields.process.name;
  const alert: EcsAlert = {
    "@timestamp": fields.timestamp.toISOString(),
    event: {
      kind: "alert",
      category: ["intrusion_detection"],
      type: ["info"],
      action: fields.action,
      module: "ghost_hunter",
    },
    process,
  };
  if (fields.userId !== undefined) alert.user = { id: String(fields.userId) };
  alert.ghost_hunter = { session: fields.session, ...fields.ghostHunter };
  return alert;
}

/** Fields of {@linkcode anomalyAlert}. */
export interface AnomalyAlertFields {
  session: string;
  score: number;
  threshold: number;
  features: ScoreFeatures;
  /** 1-based index of the event among the session's events. */
  eventIndex: number;
  /** True when nothing will be acted on (replay, --dry-run). */
  dryRun: boolean;
  timestamp: Date;
  process?: AlertProcess;
  userId?: number | string;
  /** The event's time on the trace clock (ms), when replaying. */
  traceTMs?: number;
}

/** The alert for a session whose score reached the threshold. */
export function anomalyAlert(fields: AnomalyAlertFields): EcsAlert {
  const ghostHunter: Record<string, unknown> = {
    score: fields.score,
    threshold: fields.threshold,
    features: fields.features,
    event_index: fields.eventIndex,
    dry_run: fields.dryRun,
  };
  if (fields.traceTMs !== undefined) ghostHunter.trace_t_ms = fields.traceTMs;
  return ecsAlert({
    action: "ghost-hunter-anomaly",
    session: fields.session,
    ghostHunter,
    process: fields.process,
    userId: fields.userId,
    timestamp: fields.timestamp,
  });
}
