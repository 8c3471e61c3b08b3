// CONSUMER.CREATE / CONSUMER.DURABLE.CREATE cases of the JetStream config differential.
import { STREAM_S, type DiffCase } from "./config-cases.js";

export const CONSUMER_CASES: DiffCase[] = [
  { name: "consumer: ephemeral defaults", subject: "CONSUMER.CREATE.S", body: { stream_name: "S", config: {} }, setup: [STREAM_S], expect: "ok" },
];
