// Stream and consumer metadata files: JSON with a checksum, written atomically (tmp file, fsync,
// rename, directory fsync) so a crash leaves either the old or the new file, never a torn one.

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { crc32c } from "./store/crc32c.js";

export const META_FILE = "meta.json";

interface MetaEnvelope<T> {
  crc: number;
  body: T;
}

export class MetaCorruptError extends Error {}

export function writeMeta<T>(dir: string, body: T): void {
  const json = JSON.stringify(body);
  const env: MetaEnvelope<unknown> = { crc: crc32c(Buffer.from(json)), body: JSON.parse(json) as unknown };
  const text = JSON.stringify(env);
  const final = join(dir, META_FILE);
  const tmp = `${final}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, final);
  const dfd = openSync(dirname(final), "r");
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

/** Reads a meta file; null when absent; throws MetaCorruptError when its checksum fails. */
export function readMeta<T>(dir: string): T | null {
  const path = join(dir, META_FILE);
  if (!existsSync(path)) return null;
  const text = readFileSync(path, "utf8");
  let env: MetaEnvelope<T>;
  try {
    env = JSON.parse(text) as MetaEnvelope<T>;
  } catch (err) {
    throw new MetaCorruptError(`${path}: unreadable metadata: ${(err as Error).message}`);
  }
  if (typeof env !== "object" || env === null || typeof env.crc !== "number") {
    throw new MetaCorruptError(`${path}: metadata without checksum`);
  }
  if (crc32c(Buffer.from(JSON.stringify(env.body))) !== env.crc) {
    throw new MetaCorruptError(`${path}: metadata checksum mismatch`);
  }
  return env.body;
}
