// Outbound message lines of the server-to-server protocols, the other way round from
// msg-args.ts: `RMSG|HMSG $G <subject> [routing] [hdr] <size>` on routes and gateways, the
// argument part of a leaf connection's LMSG/HMSG. The routing part is nothing, `<reply>`,
// `+ <reply> <queue>...` or `| <queue>...`.

/** the global account, the only one natsts routes */
export const GLOBAL = "$G";

/** `RMSG|HMSG $G <subject> [reply | + reply queues | \| queues] [hdr] <size>\r\n` (routes and gateways) */
export function msgLine(subject: string, reply: string | null, queues: readonly string[], hdrLen: number, size: number): string {
  let mid = "";
  if (queues.length > 0) mid = reply !== null ? ` + ${reply} ${queues.join(" ")}` : ` | ${queues.join(" ")}`;
  else if (reply !== null) mid = ` ${reply}`;
  return hdrLen >= 0 ? `HMSG ${GLOBAL} ${subject}${mid} ${hdrLen} ${size}\r\n` : `RMSG ${GLOBAL} ${subject}${mid} ${size}\r\n`;
}

/** The argument part of an outbound LMSG/HMSG line (leaf connections): subject, reply and queue groups as the parser reads them. */
export function msgArgs(subject: string, reply: string | null, queues: readonly string[]): string {
  if (queues.length > 0) return reply !== null ? `${subject} + ${reply} ${queues.join(" ")}` : `${subject} | ${queues.join(" ")}`;
  return reply !== null ? `${subject} ${reply}` : subject;
}
