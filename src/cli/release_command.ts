/**
 * `ghost-hunter release`: continues every pty writer a ghost-hunter agent
 * left stopped. The agent runs the same at start; its guardian runs this
 * when the agent dies.
 *
 * @module
 */
import { releaseLeftovers, STOPPED_WRITERS_PIN } from "../actuation/stopped_writers.ts";
import { AGENT_LOCK_PATH, takeAgentLock } from "../actuation/agent_lock.ts";
import { EnvironmentError } from "../errors.ts";
import type { Command } from "./command.ts";
import { parseCommandArgs } from "./parse_command_args.ts";

const HELP = `Usage: ghost-hunter release

Sends SIGCONT to every pty writer (sshd, tmux, script, a bot) a ghost-hunter
probe stopped and no agent let go, as recorded in the pinned map
${STOPPED_WRITERS_PIN}, after checking each is the very process that was
stopped (same pid and start time); then removes the pin. Prints the
sessions and processes it released as JSON. Refuses while an agent acts
(it holds ${AGENT_LOCK_PATH}): that agent lets its sessions go itself when it
stops, however it stops.

Example:
  sudo ./ghost-hunter release`;

/** How long release waits for the agent lock, ms. */
const RELEASE_LOCK_WAIT_MS = 1000;

/** The `release` subcommand. */
export const releaseCommand: Command = {
  name: "release",
  summary: "continue any pty writer a dead agent left stopped",
  help: HELP,
  async run(args) {
    parseCommandArgs({ args, strict: true, allowPositionals: false, options: {} }, {
      command: "release",
    });
    // A moment's wait: an agent that just died may still be closing.
    using _lock = await takeAgentLock(RELEASE_LOCK_WAIT_MS, (holder) =>
      new EnvironmentError(
        `Cannot release: a running agent (${holder}) holds its sessions and lets them go itself when it stops`,
        {
          fix:
            "stop that agent (it releases every session however it stops), then run release if any stays held",
        },
      ));
    const released = releaseLeftovers();
    console.log(JSON.stringify({ released: released.sessions, pids: released.pids }));
    return 0;
  },
};
