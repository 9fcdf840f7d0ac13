/**
 * Runs every benchmark and prints its Markdown table, for README.md.
 * Run: make bench
 *
 * @module
 */
import { probeCost } from "./probe_cost.ts";

console.log("## Probe cost per non-terminal write\n");
console.log(await probeCost());
