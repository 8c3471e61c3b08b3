// One simulated supercluster member: a SimNode (real Sublist and RouteManager) with the real
// GatewayManager (connections, parser, interest, routing, reply map) over the simulated network,
// wired as NatsServer wires it: local publishes go to the routes then the gateways, and `_GR_.`
// replies go straight back to the requester's cluster and server.

import type { Publisher } from "../client/subscription.js";
import { processMsg } from "../deliver.js";
import { GatewayManager, type GatewayServer } from "../gateway/manager.js";
import type { SimNetwork } from "./network.js";
import { type Delivery, SimNode } from "./node.js";
import type { Trace } from "./trace.js";

export const GATEWAY_PORT = 7222;

/** A remote cluster this server is configured with. */
export interface SimRemoteGateway {
  name: string;
  urls: string[];
}

export class GatewayNode extends SimNode implements GatewayServer {
  readonly counters = { inMsgs: 0, inBytes: 0 };
  readonly gateways: GatewayManager;

  constructor(
    net: SimNetwork,
    host: string,
    serverId: string,
    readonly clusterName: string,
    routes: string[],
    remotes: SimRemoteGateway[],
    trace: Trace,
    onDeliver: (d: Delivery) => void,
  ) {
    super(net, host, serverId, routes, trace, onDeliver, clusterName);
    this.gateways = new GatewayManager(
      this,
      { name: clusterName, host, port: GATEWAY_PORT, advertise: "", rejectUnknown: false, connectRetries: 0, user: "", password: "", gateways: remotes },
      net.transport(host),
    );
  }

  gatewayURL(): string {
    return this.gateways.url();
  }

  /** As NatsServer: the gateway listener first (route INFO carries its URL), then routes, then gateways. */
  override async start(): Promise<void> {
    await this.gateways.listen();
    await super.start();
    this.gateways.start(this.manager);
  }

  override crash(): void {
    super.crash();
    this.gateways.shutdown();
  }

  protected override dispatch(subject: string, reply: string | null, hdrLen: number, payload: Buffer): void {
    const routed = subject.startsWith("_GR_.") ? subject : this.gateways.routedReply(subject);
    if (routed !== undefined && this.gateways.handleReply(this.client, routed, reply, hdrLen, payload, "client")) return;
    processMsg(this.sublist, this.client, subject, reply, hdrLen, payload, 0, payload.length, null, [this.manager, this.gateways]);
  }

  override deliverFromRoute(from: Publisher, subject: string, reply: string | null, queues: readonly string[], hdrLen: number, payload: Buffer, presentAs: string | null): void {
    this.counters.inMsgs++;
    this.counters.inBytes += payload.length;
    if (subject.startsWith("_GR_.") && this.gateways.handleReply(from, subject, reply, hdrLen, payload, "route", presentAs)) return;
    const shown = reply !== null && reply.startsWith("_GR_.") ? this.gateways.localReply(reply) : reply;
    processMsg(this.sublist, from, subject, shown, hdrLen, payload, 0, payload.length, presentAs, null, queues);
  }

  /** This server's distinct interest as a remote cluster should see it: `subject` or `subject queue`. */
  interestKeys(): Set<string> {
    const keys = new Set<string>();
    for (const s of this.subs.values()) keys.add(s.queue === null ? s.subject : `${s.subject} ${s.queue}`);
    return keys;
  }
}
