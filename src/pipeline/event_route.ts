/**
 * Where one terminal event goes in the live agent: nowhere (allowlisted),
 * to the scorer only (the agent's own terminal: it alerts, but holding it
 * could hold the operator), or to the scorer and the response. Pure.
 *
 * @module
 */
import { ttyNrOfSessionKey } from "../kernel/tty_nr.ts";

/** Who is never scored and never delayed. */
export interface Allowlist {
  /** User ids. */
  uids: readonly number[];
  /** Command names of the process writing the terminal. */
  comms: readonly string[];
  /** Terminals, e.g. `pts/3`. */
  ttys: readonly string[];
}

/** What the agent does with one event. */
export type EventRoute = "ignore" | "score" | "score-and-respond";

/** The parts of an event its route depends on. */
export interface RoutedEvent {
  /** Kernel dev_t of the terminal. */
  key: number;
  /** The terminal's name, e.g. `pts/3`. */
  name: string;
  uid?: number;
  comm?: string;
}

/** Options of {@linkcode routeEvent}. */
export interface RouteOptions {
  allow: Allowlist;
  /** `tty_nr` of the agent's own controlling terminal; undefined when it has none. */
  ownTtyNr: number | undefined;
}

/** Routes one event: allowlisted ones are ignored, the agent's own terminal is scored only. */
export function routeEvent(event: RoutedEvent, options: RouteOptions): EventRoute {
  const { allow } = options;
  if (
    allow.ttys.includes(event.name) ||
    (event.uid !== undefined && allow.uids.includes(event.uid)) ||
    (event.comm !== undefined && allow.comms.includes(event.comm))
  ) {
    return "ignore";
  }
  if (options.ownTtyNr !== undefined && ttyNrOfSessionKey(event.key) === options.ownTtyNr) {
    return "score";
  }
  return "score-and-respond";
}
