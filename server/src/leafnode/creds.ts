// NATS credentials files (.creds): a user JWT and the user's nkey seed, each between dashed
// BEGIN/END lines. The seed signs the hub's nonce; the JWT goes in CONNECT as is.

import { readFileSync } from "node:fs";
import { fromSeed } from "@nats-io/nkeys";

export interface Credentials {
  jwt: string;
  seed: string;
}

/** The n-th block between `-----BEGIN ...-----` / `------END ...------` lines (0 = the JWT, 1 = the seed). */
function block(text: string, n: number): string | null {
  const re = /-{3,}[^\n]*BEGIN[^\n]*-{3,}\s*\n([\s\S]*?)\n\s*-{3,}[^\n]*END[^\n]*-{3,}/g;
  let m: RegExpExecArray | null;
  let i = 0;
  while ((m = re.exec(text)) !== null) {
    if (i++ === n) return m[1].trim();
  }
  return null;
}

/** Reads a .creds file; throws with the reason when it is missing or malformed. */
export function readCredentials(path: string): Credentials {
  const text = readFileSync(path, "utf8");
  const jwt = block(text, 0);
  const seed = block(text, 1);
  if (jwt === null || jwt === "") throw new Error(`no user JWT found in ${path}`);
  if (seed === null || !seed.startsWith("SU")) throw new Error(`no user nkey seed found in ${path}`);
  return { jwt, seed };
}

/** The signature of the hub's nonce by the seed's key, base64url without padding (as nats clients send it). */
export function signNonce(seed: string, nonce: string): { nkey: string; sig: string } {
  const kp = fromSeed(new TextEncoder().encode(seed));
  const sig = Buffer.from(kp.sign(new TextEncoder().encode(nonce))).toString("base64url");
  return { nkey: kp.getPublicKey(), sig };
}
