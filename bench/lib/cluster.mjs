// Three-server clusters for the cluster scenarios: the pooled server (started by bench/run.mjs with
// a cluster listener) is member 1; members 2 and 3, of the same flavour, route to it and are
// stopped with it. Plus fan-out across routes: `nats bench pub` on member 1, one `nats bench sub`
// on each of members 2 and 3.
import { startServer } from "./servers.mjs";
import { benchPub, margin, parseRate, startAndAwait, tail } from "./natsbench.mjs";
import { sleep, stop, waitFor } from "./procs.mjs";

export const CLUSTER_NAME = "BENCH";

/** Server flags of member 1 (bench/run.mjs starts it): a route listener on a random port. */
export const clusterArgs = ["--cluster", "nats://127.0.0.1:-1", "--cluster_name", CLUSTER_NAME];

async function getJSON(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/** Distinct peers a member routes to (nats-server pools several connections per peer). */
async function peerCount(member) {
  const rz = await getJSON(`${member.monitorUrl}/routez`);
  return new Set((rz.routes ?? []).map((r) => r.remote_id)).size;
}

/**
 * The three members around `server` (started once per server handle and stopped with it):
 * resolves to [member1, member2, member3] once every member routes to the two others.
 */
export async function clusterOf(server) {
  if (server.clusterMembers) return server.clusterMembers;
  const varz = await getJSON(`${server.monitorUrl}/varz`);
  const port = varz.cluster?.cluster_port;
  if (!port) throw new Error(`${server.label} has no cluster listener (varz.cluster ${JSON.stringify(varz.cluster)})`);
  const routes = ["--routes", `nats://127.0.0.1:${port}`];
  const others = [];
  try {
    for (let i = 0; i < 2; i++) others.push(await startServer(server.flavour, { extraArgs: [...clusterArgs, ...routes] }));
    const members = [server, ...others];
    const deadline = Date.now() + 20_000;
    for (;;) {
      const counts = await Promise.all(members.map(peerCount));
      if (counts.every((n) => n === 2)) break;
      if (Date.now() > deadline) throw new Error(`${server.label}: no full mesh of three (peers per member: ${counts.join(", ")})`);
      await sleep(100);
    }
    const stopOwn = server.stop.bind(server);
    server.stop = async () => {
      await Promise.all(others.map((s) => s.stop()));
      return stopOwn();
    };
    server.clusterMembers = members;
    return members;
  } catch (err) {
    await Promise.all(others.map((s) => s.stop()));
    throw err;
  }
}

/** Waits until member 1 sees interest in `subject` on `routes` routes (/routez?subs=1). */
async function waitRouteInterest(member, subject, routes, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rz = await getJSON(`${member.monitorUrl}/routez?subs=1`);
    const peers = (rz.routes ?? []).filter((r) => (r.subscriptions_list ?? []).includes(subject)).map((r) => r.remote_id);
    const n = new Set(peers).size;
    if (n >= routes) return;
    if (Date.now() > deadline) throw new Error(`${member.label}: interest in ${subject} on ${n} of ${routes} routes`);
    await sleep(25);
  }
}

/**
 * Fan-out across routes: one `nats bench sub` on each of `subMembers`, one `nats bench pub` on
 * `pubMember`. Resolves to { rate, seconds, rates }: rate = messages received per second by all
 * subscribers together.
 */
export async function benchClusterFanout(ctx, pubMember, subMembers, { subject, msgs, size, timeoutMs }) {
  const subs = subMembers.map((m) => {
    const args = ["-s", m.url, "bench", "sub", subject, "--msgs", String(msgs), "--size", String(size), "--no-progress"];
    return startAndAwait(ctx.cli, args, /Starting Core NATS subscriber, expecting/, 1, `nats bench sub on ${m.url}`);
  });
  try {
    await Promise.all(subs.map((s) => s.ready));
    await waitRouteInterest(pubMember, subject, subMembers.length);
    const pub = benchPub(ctx, pubMember, { subject, msgs: margin(msgs), size, timeoutMs });
    const [, ...exits] = await Promise.all([pub, ...subs.map((s) => waitFor(s.proc, timeoutMs, "nats bench sub"))]);
    const rates = subs.map((s, i) => {
      const text = s.proc.out.stdout + s.proc.out.stderr;
      const rate = parseRate(text, "subscriber");
      if (exits[i].code !== 0 || !Number.isFinite(rate)) {
        throw new Error(`nats bench sub on ${subMembers[i].url} failed (exit ${exits[i].code ?? exits[i].signal}): ${tail(text)}`);
      }
      return rate;
    });
    const rate = rates.reduce((a, b) => a + b, 0);
    return { rate, seconds: (msgs * subs.length) / rate, rates };
  } finally {
    await Promise.all(subs.map((s) => stop(s.proc, "SIGKILL")));
  }
}
