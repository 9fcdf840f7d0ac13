/**
 * `ghost-hunter release`: continues every pty writer a ghost-hunter agent
 * left stopped. The agent runs the same at start; its guardian runs this
 * when the agent dies.
 *
 * @module
 */
import { releaseLeftovers, STOPPED_WRITERS_PIN } from "../actuation/stopped_writers.ts";
import type { Command } from "./command.ts";
import { parseCommandArgs } from "./parse_command_args.ts";

const HELP = `Usage: ghost-hunter release

Sends SIGCONT to every pty writer (sshd, tmux, script, a bot) a ghost-hunter
probe stopped and no agent let go, as recorded in the pinned map
${STOPPED_WRITERS_PIN}, after checking each is the very process that was
stopped (same pid and start time); then removes the pin. Safe to run at any
time; prints the sessions and processes it released as JSON.

Example:
  sudo ./ghost-hunter release`;

/** The `release` subcommand. */
export const releaseCommand: Command = {
  name: "release",
  summary: "continue any pty writer a dead agent left stopped",
  help: HELP,
  run(args) {
    parseCommandArgs({ args, strict: true, allowPositionals: false, options: {} }, {
      command: "release",
    });
    const released = releaseLeftovers();
    console.log(JSON.stringify({ released: released.sessions, pids: released.pids }));
    return Promise.resolve(0);
  },
};
