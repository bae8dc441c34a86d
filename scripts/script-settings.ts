import { createHash } from 'node:crypto';

/** Where the example scripts find the gateway and whom they log in as, from the environment. */
export interface ScriptSettings {
  /** GATEWAY_URL: the GraphQL endpoint. */
  url: string;
  /** GATEWAY_USERNAME: a level-5 user. */
  username: string;
  /** GATEWAY_PASSWORD: that user's password. */
  password: string;
}

export function scriptSettings(env: NodeJS.ProcessEnv = process.env): ScriptSettings {
  const password = env.GATEWAY_PASSWORD;
  if (!password) {
    throw new Error('Set GATEWAY_PASSWORD (and GATEWAY_USERNAME unless it is admin)');
  }

  return {
    url: env.GATEWAY_URL || 'http://127.0.0.1:4000/graphql',
    username: env.GATEWAY_USERNAME || 'admin',
    password,
  };
}

/** The SHA-256 hex of a text: the hash of the automatic persisted queries protocol. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The hash `npm run codegen` embedded in a document of operations/generated: its key in the
 * gateway's manifest of persisted operations. Undefined for a document written elsewhere.
 */
export function persistedHash(document: object): string | undefined {
  return (document as { __meta__?: { hash?: string } }).__meta__?.hash;
}
