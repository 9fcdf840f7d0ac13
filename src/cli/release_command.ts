/**
 * `ghost-hunter release`: thaws every session a ghost-hunter agent left
 * held and puts its processes back in their cgroups. The agent runs the same
 * at start; its guardian runs this when the agent dies.
 *
 * @module
 */
import { CgroupFreezer } from "../actuation/cgroup_freezer.ts";
import type { Command } from "./command.ts";
import { parseCommandArgs } from "./parse_command_args.ts";

const HELP = `Usage: ghost-hunter release

Thaws every terminal session a ghost-hunter agent left held (cgroups under
<cgroup2>/ghost-hunter, and the state in /run/ghost-hunter/held.json), puts
each process back in the cgroup it came from, and removes what the agent
made. Safe to run at any time; prints the sessions it released as JSON.

Example:
  sudo ./ghost-hunter release`;

/** The `release` subcommand. */
export const releaseCommand: Command = {
  name: "release",
  summary: "thaw and restore any session a dead agent left held",
  help: HELP,
  async run(args) {
    parseCommandArgs({ args, strict: true, allowPositionals: false, options: {} }, {
      command: "release",
    });
    const freezer = await CgroupFreezer.open();
    console.log(JSON.stringify({ released: await freezer.releaseAll() }));
    return 0;
  },
};
