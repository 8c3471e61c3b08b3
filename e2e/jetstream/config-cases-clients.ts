// Request bodies exactly as the official clients send them (captured from nats CLI v0.3.0 and
// nats.js v2 against nats-server 2.12.15), so the table covers what real tools produce.
import { mkStream, type DiffCase } from "./config-cases.js";

const CLI1 = '{"name":"CLI1","subjects":["cli.\\u003e"],"retention":"limits","max_consumers":-1,"max_msgs_per_subject":-1,"max_msgs":-1,"max_bytes":-1,"max_age":0,"max_msg_size":-1,"storage":"file","discard":"old","num_replicas":1,"duplicate_window":120000000000,"sealed":false,"deny_delete":false,"deny_purge":false,"allow_rollup_hdrs":false,"allow_direct":true,"mirror_direct":false,"consumer_limits":{}}';
const CLI2 = '{"name":"CLI2","subjects":["cli2.\\u003e"],"retention":"workqueue","max_consumers":-1,"max_msgs_per_subject":3,"max_msgs":10,"max_bytes":1048576,"max_age":3600000000000,"max_msg_size":1024,"storage":"memory","discard":"new","num_replicas":1,"duplicate_window":300000000000,"sealed":false,"deny_delete":true,"deny_purge":true,"allow_rollup_hdrs":true,"allow_direct":true,"mirror_direct":false,"consumer_limits":{}}';
const CLI2_OK = CLI2.replace('"allow_rollup_hdrs":true', '"allow_rollup_hdrs":false');
const CLI1_EDIT = CLI1.replace('"max_msgs":-1', '"max_msgs":100');
const cliStream = { subject: "STREAM.CREATE.CLI1", body: CLI1 };
const JS1 = mkStream({ name: "JS1", subjects: ["js1.>"] });
const JS1_UPDATE = '{"name":"JS1","subjects":["js1.>"],"retention":"limits","max_consumers":-1,"max_msgs":10,"max_bytes":-1,"max_age":0,"max_msgs_per_subject":-1,"max_msg_size":-1,"discard":"old","storage":"file","num_replicas":1,"duplicate_window":120000000000,"compression":"none","allow_direct":false,"mirror_direct":false,"sealed":false,"deny_delete":false,"deny_purge":false,"allow_rollup_hdrs":false,"consumer_limits":{},"allow_msg_ttl":false,"metadata":{"_nats.level":"3","_nats.req.level":"0","_nats.ver":"2.12.15"}}';

export const CLIENT_CASES: DiffCase[] = [
  { name: "nats CLI: stream add --defaults", subject: "STREAM.CREATE.CLI1", body: CLI1, expect: "ok" },
  { name: "nats CLI: stream add with limits and rollup on deny purge", subject: "STREAM.CREATE.CLI2", body: CLI2, expect: 10052 },
  { name: "nats CLI: stream add work queue in memory", subject: "STREAM.CREATE.CLI2", body: CLI2_OK, expect: "ok" },
  { name: "nats CLI: stream edit", subject: "STREAM.UPDATE.CLI1", body: CLI1_EDIT, expect: "ok", setup: [cliStream] },
  { name: "nats CLI: stream add again", subject: "STREAM.CREATE.CLI1", body: CLI1, expect: "ok", setup: [cliStream] },
  {
    name: "nats CLI: consumer add --pull (zero pause_until)",
    subject: "CONSUMER.CREATE.CLI1.C1",
    body: '{"stream_name":"CLI1","config":{"ack_policy":"explicit","deliver_policy":"all","durable_name":"C1","name":"C1","max_deliver":-1,"replay_policy":"instant","num_replicas":0,"pause_until":"0001-01-01T00:00:00Z"},"action":""}',
    expect: "ok",
    setup: [cliStream],
  },
  {
    name: "nats CLI: consumer add push with filter in subject",
    subject: "CONSUMER.CREATE.CLI1.C2.cli.a",
    body: '{"stream_name":"CLI1","config":{"ack_policy":"explicit","deliver_policy":"all","deliver_subject":"d.x","durable_name":"C2","name":"C2","filter_subject":"cli.a","flow_control":true,"idle_heartbeat":5000000000,"max_deliver":5,"replay_policy":"instant","num_replicas":0,"pause_until":"0001-01-01T00:00:00Z"},"action":""}',
    expect: "ok",
    setup: [cliStream],
  },
  { name: "nats.js: streams.add", subject: "STREAM.CREATE.JS1", body: '{"name":"JS1","subjects":["js1.>"]}', expect: "ok" },
  { name: "nats.js: streams.update (config with server metadata)", subject: "STREAM.UPDATE.JS1", body: JS1_UPDATE, expect: "ok", setup: [JS1] },
  { name: "nats.js: consumers.add durable", subject: "CONSUMER.CREATE.JS1.D1", body: '{"config":{"durable_name":"D1","ack_policy":"explicit"},"stream_name":"JS1","action":"create"}', expect: "ok", setup: [JS1] },
  { name: "nats.js: consumers.add named with filter", subject: "CONSUMER.CREATE.JS1.N1.js1.a", body: '{"config":{"name":"N1","ack_policy":"explicit","filter_subject":"js1.a"},"stream_name":"JS1","action":"create"}', expect: "ok", setup: [JS1] },
  {
    name: "nats.js: ordered consumer",
    subject: "CONSUMER.CREATE.JS1.QN9AWV75J1B6H0ZEXB20B9_1",
    body: '{"config":{"name":"QN9AWV75J1B6H0ZEXB20B9_1","deliver_policy":"by_start_sequence","opt_start_seq":1,"ack_policy":"none","inactive_threshold":300000000000,"num_replicas":1,"max_deliver":1,"mem_storage":true},"stream_name":"JS1","action":"create"}',
    expect: "ok",
    setup: [JS1],
  },
];

CLIENT_CASES.push(
  { name: "zero pause_until in another zone", subject: "CONSUMER.CREATE.JS1", body: { stream_name: "JS1", config: { pause_until: "0001-01-01T01:00:00+01:00" } }, expect: "ok", setup: [JS1] },
  { name: "pause_until one ns after zero", subject: "CONSUMER.CREATE.JS1", body: { stream_name: "JS1", config: { pause_until: "0001-01-01T00:00:00.000000001Z" } }, expect: "ok", setup: [JS1] },
);
