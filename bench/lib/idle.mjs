// Idle client connections for the memory benchmark: raw TCP sockets that each send CONNECT + PING,
// wait for PONG and then stay open, silent (the servers' periodic PINGs are answered).
import net from "node:net";

const HELLO = 'CONNECT {"verbose":false,"pedantic":false,"protocol":1}\r\nPING\r\n';

function openOne(host, port, timeoutMs) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    let text = "";
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`no PONG within ${timeoutMs} ms`)), timeoutMs);
    function fail(err) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      reject(err);
    }
    sock.on("connect", () => sock.write(HELLO));
    sock.on("data", (chunk) => {
      if (settled) {
        // Keep answering keep-alive PINGs while idle.
        if (chunk.includes("PING\r\n")) sock.write("PONG\r\n");
        return;
      }
      text += chunk.toString("latin1");
      if (text.includes("-ERR")) fail(new Error(`server said ${text.slice(text.indexOf("-ERR")).split("\r\n")[0]}`));
      else if (text.includes("PONG\r\n")) {
        settled = true;
        clearTimeout(timer);
        text = "";
        resolve(sock);
      }
    });
    sock.on("error", fail);
    sock.on("close", () => {
      if (settled) sock.benchClosed = true;
      else fail(new Error("closed by the server"));
    });
  });
}

/**
 * Opens `count` idle connections to `url`, at most `parallel` handshakes at a time.
 * Resolves to { sockets, close(), stillOpen() }; rejects (closing what was opened) if any connection fails.
 */
export async function openIdle(url, count, { parallel = 100, timeoutMs = 10_000 } = {}) {
  const { hostname, port } = new URL(url);
  const sockets = [];
  let next = 0;
  let failure = null;
  async function lane() {
    while (next < count && !failure) {
      next++;
      try {
        sockets.push(await openOne(hostname, Number(port), timeoutMs));
      } catch (err) {
        failure ??= err;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, lane));
  const close = () => {
    for (const s of sockets) s.destroy();
    sockets.length = 0;
  };
  if (failure) {
    const opened = sockets.length;
    close();
    throw new Error(`opening idle connection ${opened + 1} of ${count} to ${url} failed: ${failure.message}`);
  }
  return { sockets, close, stillOpen: () => sockets.filter((s) => !s.benchClosed).length };
}
