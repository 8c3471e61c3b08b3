// Every benchmark scenario, in report order. Each group (core NATS, JetStream, clusters) has its
// own module exporting an array of scenario objects (see core.mjs for the shape), appended here.
import { coreScenarios } from "./core.mjs";
import { jetstreamScenarios } from "./jetstream.mjs";
import { clusterScenarios } from "./cluster.mjs";

export const scenarios = [...coreScenarios, ...jetstreamScenarios, ...clusterScenarios];
