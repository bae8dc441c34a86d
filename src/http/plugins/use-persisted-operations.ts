import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { usePersistedOperations as useYogaPersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { ConfigError } from '../../config';
import { badRequest, forbidden, quote } from '../../errors';

/** Hash (SHA-256 hex of the document text) to document text. */
export type PersistedOperationsManifest = Readonly<Record<string, string>>;

export interface PersistedOperationsOptions {
  /** The operations every client may send by hash: the manifest `npm run codegen` writes. */
  manifest: PersistedOperationsManifest;
  /**
   * Accept only operations of the manifest (trusted documents), except from callers that
   * `isTrusted` approves: they may still send any document, and register it by APQ.
   * @default false
   */
  only?: boolean;
  /** Whether the caller of a request may send documents outside the manifest (level-5 sessions). */
  isTrusted(request: Request): Promise<boolean>;
  /**
   * How many documents registered by automatic persisted queries are kept in memory; the least
   * recently used go first.
   * @default 1000
   */
  cacheSize?: number;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The SHA-256 hex of a document text: its key in the manifest and in the APQ protocol. */
export function documentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Reads the manifest of persisted operations. A missing file is an empty manifest, unless it is
 * `required` (only persisted operations are accepted, so without it nothing would be).
 */
export function readPersistedOperations(
  path: string,
  required: boolean,
): PersistedOperationsManifest {
  if (!existsSync(path)) {
    if (required) {
      throw new ConfigError(
        `PERSISTED_OPERATIONS_ONLY is on but the manifest '${path}' does not exist; run npm run codegen or set PERSISTED_OPERATIONS_FILE`,
      );
    }

    return {};
  }
  const manifest: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw new ConfigError(`The persisted operations manifest '${path}' is not a JSON object`);
  }
  for (const [hash, text] of Object.entries(manifest)) {
    if (typeof text !== 'string' || documentHash(text) !== hash) {
      throw new ConfigError(
        `The persisted operations manifest '${path}' maps '${hash}' to something that is not the document of that SHA-256 hash`,
      );
    }
  }

  return manifest as PersistedOperationsManifest;
}

/** The hash of the APQ extension (`extensions.persistedQuery` version 1), if there is one. */
function apqHash(extensions: Record<string, unknown> | undefined): string | null {
  const persisted = extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown };
  if (persisted?.version !== 1 || typeof persisted.sha256Hash !== 'string') {
    return null;
  }

  return persisted.sha256Hash;
}

/**
 * Persisted operations and Apollo's automatic persisted queries (APQ) on yoga's
 * persisted-operations plugin. A request may name a document by
 * `extensions.persistedQuery.sha256Hash` alone: the manifest is looked up first, then the documents
 * clients registered by sending hash and text together. An unknown hash answers
 * `PersistedQueryNotFound`, which tells APQ clients to send the text along. With `only`, a document
 * outside the manifest is refused unless `isTrusted` approves the caller.
 */
export function usePersistedOperations(options: PersistedOperationsOptions): Plugin {
  const { manifest, only = false, isTrusted } = options;
  const registered = new LRUCache<string, string>({ max: options.cacheSize ?? 1000 });
  const trusted = new WeakMap<Request, Promise<boolean>>();
  const isTrustedOnce = (request: Request) => {
    if (!trusted.has(request)) {
      trusted.set(request, isTrusted(request));
    }

    return trusted.get(request)!;
  };

  const persistedOperations = useYogaPersistedOperations({
    allowArbitraryOperations: only ? isTrustedOnce : true,
    async getPersistedOperation(hash, request) {
      if (Object.hasOwn(manifest, hash)) {
        return manifest[hash];
      }
      if (only && !(await isTrustedOnce(request))) {
        return null;
      }

      return registered.get(hash) ?? null;
    },
    customErrors: {
      // The APQ protocol: clients recognise this message and code, and resend with the text.
      notFound: {
        message: 'PersistedQueryNotFound',
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 404 } },
      },
      persistedQueryOnly: () =>
        forbidden(
          'Only persisted operations are accepted: send extensions.persistedQuery.sha256Hash of a ' +
            'document in the manifest. Sessions of level 5 may send any document.',
          { reason: 'PERSISTED_OPERATIONS_ONLY' },
        ),
      keyNotFound: () =>
        badRequest(
          'The request has no document: send the text in query, or its hash in ' +
            'extensions.persistedQuery as { version: 1, sha256Hash }',
        ),
    },
  });

  // Registers a document sent with its hash, once the persisted-operations plugin let it through.
  const registration: Plugin = {
    onParams({ params }) {
      const hash = apqHash(params.extensions);
      if (hash === null || !params.query || Object.hasOwn(manifest, hash)) {
        return;
      }
      if (registered.get(hash) === params.query) {
        return;
      }
      if (!SHA256_HEX.test(hash) || documentHash(params.query) !== hash) {
        throw badRequest(
          `extensions.persistedQuery.sha256Hash ${quote(hash)} is not the SHA-256 hex of the query sent`,
        );
      }
      registered.set(hash, params.query);
    },
  };

  return {
    onPluginInit({ addPlugin }) {
      addPlugin(persistedOperations);
      addPlugin(registration);
    },
  };
}
