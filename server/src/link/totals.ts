// Messages and payload bytes over one connection kind since the server started: the counts of
// the connections closed so far, to which the live ones add theirs when asked (monitoring).

/** A connection's (or a kind's) message and payload byte counts. */
export interface LinkCounts {
  inMsgs: number;
  inBytes: number;
  outMsgs: number;
  outBytes: number;
}

export class LinkTotals {
  private readonly ofClosed: LinkCounts = { inMsgs: 0, inBytes: 0, outMsgs: 0, outBytes: 0 };

  /** A connection closed: its counts stay in the totals. */
  closed(c: Readonly<LinkCounts>): void {
    const t = this.ofClosed;
    t.inMsgs += c.inMsgs;
    t.inBytes += c.inBytes;
    t.outMsgs += c.outMsgs;
    t.outBytes += c.outBytes;
  }

  /** The closed connections' counts with those of the `live` ones. */
  with(live: Iterable<Readonly<LinkCounts>>): LinkCounts {
    const t = { ...this.ofClosed };
    for (const c of live) {
      t.inMsgs += c.inMsgs;
      t.inBytes += c.inBytes;
      t.outMsgs += c.outMsgs;
      t.outBytes += c.outBytes;
    }
    return t;
  }
}
