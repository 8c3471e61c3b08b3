// Operator, account and user JWTs for tests of credentials (.creds) against the reference
// nats-server in operator mode, signed with nkeys as the nsc tool would (ed25519-nkey).

import { randomBytes } from "node:crypto";
import { nkeys } from "@nats-io/transport-node";

type KeyPair = ReturnType<typeof nkeys.createOperator>;

function encode(claims: Record<string, unknown>, signer: KeyPair): string {
  const header = Buffer.from(JSON.stringify({ typ: "JWT", alg: "ed25519-nkey" })).toString("base64url");
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const sig = Buffer.from(signer.sign(new TextEncoder().encode(`${header}.${body}`))).toString("base64url");
  return `${header}.${body}.${sig}`;
}

function claims(iss: KeyPair, sub: string, name: string, nats: Record<string, unknown>): Record<string, unknown> {
  return {
    jti: randomBytes(20).toString("hex").toUpperCase(),
    iat: Math.floor(Date.now() / 1000),
    iss: iss.getPublicKey(),
    name,
    sub,
    nats: { ...nats, version: 2 },
  };
}

export interface OperatorSetup {
  /** config lines for an operator-mode nats-server with the account preloaded */
  readonly serverConfig: string;
  /** the text of a .creds file for a user of the account */
  readonly userCreds: string;
}

export function operatorSetup(): OperatorSetup {
  const op = nkeys.createOperator();
  const acc = nkeys.createAccount();
  const user = nkeys.createUser();
  const opJwt = encode(claims(op, op.getPublicKey(), "OP", { type: "operator" }), op);
  const unlimited = { subs: -1, data: -1, payload: -1 };
  const accJwt = encode(
    claims(op, acc.getPublicKey(), "ACC", {
      type: "account",
      limits: { ...unlimited, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 },
      default_permissions: { pub: {}, sub: {} },
    }),
    op,
  );
  const userJwt = encode(claims(acc, user.getPublicKey(), "U", { type: "user", pub: {}, sub: {}, ...unlimited }), acc);
  const seed = new TextDecoder().decode(user.getSeed());
  const userCreds =
    `-----BEGIN NATS USER JWT-----\n${userJwt}\n------END NATS USER JWT------\n\n` +
    `************************* IMPORTANT *************************\n` +
    `NKEY Seed printed below can be used to sign and prove identity.\nNKEYs are sensitive and should be treated as secrets.\n\n` +
    `-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n\n` +
    `*************************************************************\n`;
  const serverConfig = `operator: "${opJwt}"\nresolver: MEMORY\nresolver_preload: { ${acc.getPublicKey()}: "${accJwt}" }\n`;
  return { serverConfig, userCreds };
}
