// Starts JetStream on a server: recovers the store and answers $JS.API requests.

import type { JetStreamOptions } from "../config/options.js";
import { ApiRouter } from "./api/router.js";
import { CONSUMER_ROUTES } from "./api/consumer-api.js";
import { SNAPSHOT_ROUTES } from "./api/snapshot-api.js";
import { STREAM_ROUTES } from "./api/stream-api.js";
import { JetStream, type JetStreamHost } from "./jetstream.js";

export async function startJetStream(opts: JetStreamOptions, host: JetStreamHost): Promise<JetStream> {
  const js = new JetStream(opts, host);
  await js.start();
  const router = new ApiRouter(js);
  router.add(...STREAM_ROUTES, ...CONSUMER_ROUTES, ...SNAPSHOT_ROUTES);
  router.listen();
  return js;
}
