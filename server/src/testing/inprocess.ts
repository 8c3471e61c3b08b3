// Test support: an in-process NatsServer on a kernel-chosen loopback port, and a raw TCP client
// for it that reads until a given text. Kept out of server/dist (see server/tsconfig.json).

import { connect, type Socket } from "node:net";
import { defaultOptions } from "../config/options.js";
import { Logger } from "../logger.js";
import { NatsServer } from "../server.js";

/** Starts a server with default options on 127.0.0.1 and a random port, logging errors only. */
export async function startInProcessServer(): Promise<NatsServer> {
  const o = defaultOptions();
  o.host = "127.0.0.1";
  o.port = -1;
  const srv = new NatsServer(o, new Logger({ debug: false, trace: false, logtime: false, logtimeUTC: false, logFile: "" }));
  await srv.start();
  return srv;
}

export interface RawClient {
  readonly s: Socket;
  /** Resolves with everything received up to and including `until`, which it consumes. */
  read(until: string): Promise<string>;
}

/** A plain TCP connection to the server's client port. */
export function rawClient(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => {
      s.off("error", reject);
      let buf = "";
      const waiters: Array<() => void> = [];
      s.on("data", (d: Buffer) => {
        buf += d.toString("latin1");
        for (const w of waiters.splice(0)) w();
      });
      const read = async (until: string): Promise<string> => {
        while (!buf.includes(until)) await new Promise<void>((r) => waiters.push(r));
        const i = buf.indexOf(until) + until.length;
        const out = buf.slice(0, i);
        buf = buf.slice(i);
        return out;
      };
      resolve({ s, read });
    });
    s.once("error", reject);
  });
}
