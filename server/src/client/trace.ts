// Trace texts of the client protocol's message ops, as nats-server writes them (after the
// `<<- ` or `->> ` direction). Only built when tracing is on.

/** `[PUB subject [reply] <size>]` or `[HPUB subject [reply] <hdr> <size>]` */
export function pubTrace(subject: string, reply: string | null, hdrLen: number, size: number): string {
  const op = hdrLen >= 0 ? "HPUB" : "PUB";
  const sizes = hdrLen >= 0 ? `${hdrLen} ${size}` : `${size}`;
  return `[${op} ${subject}${reply !== null ? " " + reply : ""} ${sizes}]`;
}

/** `[MSG subject sid [reply] <size>]` or `[HMSG subject sid [reply] <hdr> <size>]` */
export function msgTrace(subject: string, sid: string, reply: string | null, hdrLen: number, size: number): string {
  const sizes = hdrLen >= 0 ? `${hdrLen} ${size}` : `${size}`;
  return `[${hdrLen >= 0 ? "HMSG" : "MSG"} ${subject} ${sid}${reply !== null ? " " + reply : ""} ${sizes}]`;
}

/** `MSG_PAYLOAD: ["<bytes as a JSON string>"]` */
export function payloadTrace(payload: Buffer): string {
  return `MSG_PAYLOAD: [${JSON.stringify(payload.toString("latin1"))}]`;
}
