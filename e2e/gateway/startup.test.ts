// Gateway settings nats-server refuses when it starts (but accepts with -t): natsts refuses the
// same ones, with the same text, and exits with an error.

import { describe } from "vitest";
import { startupRunner, testRefusedAtStart } from "../lib/startup.js";

const runner = startupRunner("natsts-gw-startup-");

const cases: Array<[string, string]> = [
  ["gateway { listen: \"127.0.0.1:-1\" }", "gateway has no name"],
  ["gateway { name: A }", 'gateway "A" has no port specified (select -1 for random port)'],
  ["cluster { name: B, listen: \"127.0.0.1:-1\" }\ngateway { name: A, listen: \"127.0.0.1:-1\" }", "cluster name conflicts between cluster and gateway definitions"],
  ["gateway { name: A, listen: \"127.0.0.1:-1\", gateways: [{ name: B }] }", 'gateway "B" has no URL'],
  ["gateway { name: A, listen: \"127.0.0.1:-1\", gateways: [{ url: \"nats://127.0.0.1:1\" }] }", "gateway in the list 0 has no name"],
];

describe("gateway checks at start", () => {
  testRefusedAtStart(runner, cases);
});
