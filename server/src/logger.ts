// Logs in nats-server's format: `[pid] 2006/01/02 15:04:05.000000 [INF] text` to stderr or a file.

import { appendFileSync, closeSync, openSync, writeSync } from "node:fs";

export type Level = "INF" | "WRN" | "ERR" | "FTL" | "DBG" | "TRC";

export interface LoggerOptions {
  debug: boolean;
  trace: boolean;
  logtime: boolean;
  logtimeUTC: boolean;
  logFile: string;
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, "0");
}

function stamp(d: Date, utc: boolean, micros: number): string {
  const y = utc ? d.getUTCFullYear() : d.getFullYear();
  const mo = (utc ? d.getUTCMonth() : d.getMonth()) + 1;
  const da = utc ? d.getUTCDate() : d.getDate();
  const h = utc ? d.getUTCHours() : d.getHours();
  const mi = utc ? d.getUTCMinutes() : d.getMinutes();
  const s = utc ? d.getUTCSeconds() : d.getSeconds();
  return `${y}/${pad(mo, 2)}/${pad(da, 2)} ${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(micros, 6)}`;
}

export class Logger {
  private fd: number | null = null;
  private opts: LoggerOptions;

  constructor(opts: LoggerOptions) {
    this.opts = { ...opts };
    this.open();
  }

  get debugEnabled(): boolean {
    return this.opts.debug;
  }
  get traceEnabled(): boolean {
    return this.opts.trace;
  }

  /** Applies new logging options (config reload) and reopens the log file. */
  reconfigure(opts: LoggerOptions): void {
    this.close();
    this.opts = { ...opts };
    this.open();
  }

  /** SIGUSR1: reopen the log file (log rotation). */
  reopen(): void {
    this.close();
    this.open();
  }

  info(msg: string): void {
    this.write("INF", msg);
  }
  warn(msg: string): void {
    this.write("WRN", msg);
  }
  error(msg: string): void {
    this.write("ERR", msg);
  }
  fatal(msg: string): void {
    this.write("FTL", msg);
  }
  debug(msg: string): void {
    if (this.opts.debug) this.write("DBG", msg);
  }
  trace(msg: string): void {
    if (this.opts.trace) this.write("TRC", msg);
  }

  write(level: Level, msg: string): void {
    let line = `[${process.pid}] `;
    if (this.opts.logtime) {
      const t = performance.timeOrigin + performance.now();
      const micros = Math.floor((t * 1000) % 1_000_000);
      line += stamp(new Date(Math.floor(t)), this.opts.logtimeUTC, micros) + " ";
    }
    line += `[${level}] ${msg}\n`;
    if (this.fd !== null) {
      writeSync(this.fd, line);
    } else {
      process.stderr.write(line);
    }
  }

  close(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
  }

  private open(): void {
    if (this.opts.logFile !== "") {
      appendFileSync(this.opts.logFile, "");
      this.fd = openSync(this.opts.logFile, "a");
    }
  }
}
