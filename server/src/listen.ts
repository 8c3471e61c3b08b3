// Opening a TCP listener the way every natsts port is opened (clients, routes): -1 picks a free
// port; resolves with the server and the port it got.

import { createServer, type Server, type Socket } from "node:net";

/** The host other servers and clients are told to reach a listener on: a wildcard address is this machine's loopback. */
export function reachableHost(listenHost: string): string {
  return listenHost === "0.0.0.0" || listenHost === "::" || listenHost === "" ? "127.0.0.1" : listenHost;
}

export async function listenTCP(host: string, port: number, onSocket: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer({ noDelay: true }, onSocket);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port === -1 ? 0 : port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address();
  return { server, port: typeof addr === "object" && addr !== null ? addr.port : port };
}
