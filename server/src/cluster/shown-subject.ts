// JetStream deliveries arriving over a route: nats-server (and natsts) send them routed on the
// delivery subject with the subject the client sees appended to the ack reply after an `@`
// (`$JS.ACK.<stream>.<consumer>.<n>.<n>.<n>.<ts>.<pending>@<stream subject>`). The `@` counts only
// after at least eight dots, so that an ordinary reply containing `@` is left alone.

const MIN_DOTS = 8;

export interface ShownReply {
  readonly reply: string | null;
  /** the subject to show the message under, or null for a plain message */
  readonly presentAs: string | null;
}

const PLAIN_NULL: ShownReply = { reply: null, presentAs: null };

/** Splits `<ack reply>@<shown subject>`; any other reply comes back unchanged. */
export function splitShownSubject(reply: string | null): ShownReply {
  if (reply === null) return PLAIN_NULL;
  const at = reply.indexOf("@");
  if (at < 0) return { reply, presentAs: null };
  let dots = 0;
  for (let i = 0; i < at; i++) if (reply.charCodeAt(i) === 0x2e) dots++;
  if (dots < MIN_DOTS || at === reply.length - 1) return { reply, presentAs: null };
  return { reply: reply.slice(0, at), presentAs: reply.slice(at + 1) };
}
