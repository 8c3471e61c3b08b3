// The last events of a simulated run (network faults, dials, route log lines, test steps), printed
// with the seed when a property fails so that the run can be read and replayed.

import { Logger, type Level } from "../logger.js";

export class Trace {
  private readonly lines: string[] = [];
  private readonly t0 = Date.now();

  constructor(private readonly max = 400) {}

  add(what: string): void {
    this.lines.push(`${String(Date.now() - this.t0).padStart(7)}ms ${what}`);
    if (this.lines.length > this.max * 2) this.lines.splice(0, this.lines.length - this.max);
  }

  /** The last `n` events, oldest first. */
  tail(n = 80): string {
    return this.lines.slice(-n).join("\n");
  }
}

/** A route logger that writes into the trace instead of stderr (with debug lines; protocol trace off). */
export class TraceLogger extends Logger {
  constructor(
    private readonly traceTo: Trace,
    private readonly name: string,
  ) {
    super({ debug: true, trace: false, logtime: false, logtimeUTC: false, logFile: "" });
  }

  /** registered routes that closed (replaced duplicates are not logged so, see RouteManager.closed) */
  routesLost = 0;
  /** registered gateway connections (either direction) that closed */
  gatewaysLost = 0;

  override write(level: Level, msg: string): void {
    if (/ - Route connection to .* closed: /.test(msg)) this.routesLost++;
    if (/ - Gateway connection closed: /.test(msg)) this.gatewaysLost++;
    this.traceTo.add(`${this.name} [${level}] ${msg}`);
  }
}
