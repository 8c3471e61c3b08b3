// Every benchmark scenario, in report order. Each group (core NATS, JetStream; later clusters) has its
// own module exporting an array of scenario objects (see core.mjs for the shape), appended here.
import { coreScenarios } from "./core.mjs";
import { jetstreamScenarios } from "./jetstream.mjs";

export const scenarios = [...coreScenarios, ...jetstreamScenarios];
