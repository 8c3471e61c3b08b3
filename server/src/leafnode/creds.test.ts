import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createUser, fromPublic } from "@nats-io/nkeys";
import { afterAll, describe, expect, it } from "vitest";
import { readCredentials, signNonce } from "./creds.js";

const dir = mkdtempSync(join(tmpdir(), "natsts-creds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function credsText(jwt: string, seed: string): string {
  return `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n************************* IMPORTANT *************************\nNKEY Seed printed below can be used to sign and prove identity.\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n\n*************************************************************\n`;
}

describe("creds files", () => {
  it("reads the JWT and the seed, and signs a nonce the public key verifies", () => {
    const kp = createUser();
    const seed = new TextDecoder().decode(kp.getSeed());
    const path = join(dir, "u.creds");
    writeFileSync(path, credsText("eyJhbGciOi.eyJzdWIiOi.c2ln", seed));
    const c = readCredentials(path);
    expect(c).toEqual({ jwt: "eyJhbGciOi.eyJzdWIiOi.c2ln", seed });
    const { nkey, sig } = signNonce(c.seed, "abc123");
    expect(nkey).toBe(kp.getPublicKey());
    expect(sig).not.toMatch(/[=+/]/);
    expect(fromPublic(nkey).verify(new TextEncoder().encode("abc123"), Buffer.from(sig, "base64url"))).toBe(true);
  });

  it("reports a file without a seed or a JWT", () => {
    const path = join(dir, "bad.creds");
    writeFileSync(path, "-----BEGIN NATS USER JWT-----\nabc\n------END NATS USER JWT------\n");
    expect(() => readCredentials(path)).toThrow(/no user nkey seed/);
    writeFileSync(path, "nothing here\n");
    expect(() => readCredentials(path)).toThrow(/no user JWT/);
    expect(() => readCredentials(join(dir, "missing.creds"))).toThrow(/ENOENT/);
  });
});
