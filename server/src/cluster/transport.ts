// How routes reach the network: node:net by default; the deterministic simulation (server/src/sim)
// injects its own. Only the part of a socket the route code uses is required.

import { connect } from "node:net";
import { listenTCP } from "../listen.js";

/** The subset of net.Socket that routes and the dialer use. */
export interface RouteSocket {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  readonly destroyed: boolean;
  readonly writableLength: number;
  setNoDelay(noDelay?: boolean): unknown;
  write(chunk: Buffer): boolean;
  cork(): void;
  uncork(): void;
  end(): unknown;
  destroy(): unknown;
  on(event: "data", listener: (chunk: Buffer) => void): unknown;
  on(event: "error", listener: (err: Error) => void): unknown;
  on(event: "close", listener: () => void): unknown;
  once(event: "connect", listener: () => void): unknown;
  once(event: "error", listener: (err: Error) => void): unknown;
  off(event: "error", listener: (err: Error) => void): unknown;
}

/** A route listener that is open. */
export interface RouteListener {
  readonly port: number;
  close(): void;
}

export interface RouteTransport {
  /** Listens on host:port (-1 or 0: any free port); every accepted connection goes to `onConnection`. */
  listen(host: string, port: number, onConnection: (socket: RouteSocket) => void): Promise<RouteListener>;
  /** Dials host:port; the socket emits "connect" once open, or "error". */
  connect(host: string, port: number): RouteSocket;
}

/** Routes over TCP. */
export const tcpTransport: RouteTransport = {
  async listen(host, port, onConnection) {
    const { server, port: bound } = await listenTCP(host, port, onConnection);
    return { port: bound, close: () => server.close() };
  },
  connect(host, port) {
    return connect({ host, port, noDelay: true });
  },
};
