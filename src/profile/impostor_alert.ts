/**
 * The ECS alert `ghost-hunter-impostor`: a session typed unlike its user's
 * profile. It names the user (`user.name`), the distance and the bound, the
 * profile's size and the expected false-alert rate, so an analyst can weigh
 * it; it never carries anything typed.
 *
 * @module
 */
import { type EcsAlert, ecsAlert } from "../alerts/ecs_alert.ts";
import type { ImpostorFinding } from "./impostor_monitor.ts";

/** `event.action` of an impostor alert. */
export const IMPOSTOR_ACTION = "ghost-hunter-impostor";

/** Fields beyond the finding. */
export interface ImpostorAlertContext {
  timestamp: Date;
  /** True when nothing will be acted on (replay, --dry-run, or `response.impostor` is `alert`). */
  dryRun: boolean;
  /** What the agent does about it: `alert` only, or `jitter`. */
  response: "alert" | "jitter";
  /** The event's time on the trace clock (ms), when replaying. */
  traceTMs?: number;
}

/** Builds the alert for a finding. */
export function impostorAlert(finding: ImpostorFinding, context: ImpostorAlertContext): EcsAlert {
  const ghostHunter: Record<string, unknown> = {
    impostor: {
      distance: finding.distance,
      bound: finding.bound,
      expected_false_alert_rate: finding.falseAlertRate,
      profile_sessions: finding.profileSessions,
      profile_inputs: finding.profileInputs,
      window_inputs: finding.windowInputs,
      session_inputs: finding.inputs,
    },
    response: context.response,
    dry_run: context.dryRun,
  };
  if (context.traceTMs !== undefined) ghostHunter.trace_t_ms = context.traceTMs;
  const alert = ecsAlert({
    action: IMPOSTOR_ACTION,
    session: finding.session,
    ghostHunter,
    timestamp: context.timestamp,
  });
  alert.user = { name: finding.user };
  return alert;
}
