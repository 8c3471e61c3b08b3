// Every benchmark scenario, in report order. Later groups (JetStream, clusters) add their own module
// exporting an array of scenario objects (see core.mjs for the shape) and append it here.
import { coreScenarios } from "./core.mjs";

export const scenarios = [...coreScenarios];
