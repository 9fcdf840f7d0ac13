/**
 * Turns a probe event into a trace event: the one place where kernel
 * session keys become terminal names and kinds become directions.
 *
 * @module
 */
import { EventKind, type TtyEvent } from "../kernel/abi.ts";
import { sessionName } from "../kernel/session_name.ts";
import { nsToTraceMs, type TraceEvent } from "./trace_event.ts";

/**
 * The trace event for one input or output probe event, with the optional
 * process fields. READ_WAIT events are actuation signals, not trace events.
 */
export function traceEventFromProbe(event: TtyEvent): TraceEvent {
  return {
    t: nsToTraceMs(event.timestampNs),
    session: sessionName(event.sessionKey),
    dir: event.kind === EventKind.INPUT ? "in" : "out",
    bytes: event.bytes,
    pid: event.tgid,
    uid: event.uid,
    comm: event.comm,
    flags: event.flags,
  };
}
