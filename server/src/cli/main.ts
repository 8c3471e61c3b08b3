// natsts-server entry point: nats-server's command line, signals and exit codes.

import { buildOptions, ConfigError, loadConfigFile } from "../config/load.js";
import type { Options } from "../config/options.js";
import { Logger } from "../logger.js";
import { startMonitor } from "../monitor/http.js";
import { NatsServer } from "../server.js";
import { COMPAT_VERSION, NATSTS_VERSION } from "../version.js";
import { sendSignal } from "./signal.js";

function loggerOptions(o: Options): ConstructorParameters<typeof Logger>[0] {
  return { debug: o.debug, trace: o.trace, logtime: o.logtime, logtimeUTC: o.logtimeUTC, logFile: o.logFile };
}

function fail(msg: string): never {
  process.stderr.write(`natsts-server: ${msg}\n`);
  process.exit(1);
}

async function main(argv: string[]): Promise<void> {
  let built: ReturnType<typeof buildOptions>;
  try {
    built = buildOptions(argv);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  switch (built.kind) {
    case "version":
      process.stdout.write(`natsts-server: v${NATSTS_VERSION} (nats-server v${COMPAT_VERSION} compatible)\n`);
      return;
    case "help":
      process.stdout.write(built.text);
      return;
    case "signal":
      try {
        sendSignal(built.signal, built.pid);
      } catch (err) {
        fail((err as Error).message);
      }
      return;
    case "test-config":
      for (const w of built.warnings) process.stderr.write(`natsts-server: ${w}\n`);
      process.stdout.write(`natsts-server: configuration file ${built.options.configFile} test is successful\n`);
      return;
    case "run":
      break;
  }
  const options = built.options;
  const logger = new Logger(loggerOptions(options));
  for (const w of built.warnings) logger.warn(w);
  const server = new NatsServer(options, logger, startMonitor);
  try {
    await server.start();
  } catch (err) {
    logger.fatal(`Error listening: ${(err as Error).message}`);
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal: string): void => {
    logger.info(`Trapped "${signal}" signal`);
    if (stopping) return;
    stopping = true;
    void server.shutdown().then(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("interrupt"));
  process.on("SIGTERM", () => {
    if (server.lameDuck) {
      logger.info(`Trapped "terminated" signal, lame duck mode in progress`);
      return;
    }
    stop("terminated");
  });
  process.on("SIGUSR1", () => {
    logger.info(`Trapped "user defined signal 1" signal`);
    logger.reopen();
  });
  process.on("SIGUSR2", () => {
    logger.info(`Trapped "user defined signal 2" signal`);
    void server.enterLameDuckMode().then(() => process.exit(0));
  });
  process.on("SIGHUP", () => {
    logger.info(`Trapped "hangup" signal`);
    const file = server.options.configFile;
    if (file === "") {
      logger.error("Failed to reload server configuration: no configuration file");
      return;
    }
    try {
      const loaded = loadConfigFile(file);
      built.flagOverrides(loaded.options);
      loaded.options.configFile = file;
      server.reload(loaded.options);
    } catch (err) {
      logger.error(`Failed to reload server configuration: ${(err as Error).message}`);
    }
  });
}

await main(process.argv.slice(2));
