/**
 * The nightly backup: logs in, asks for an export of the whole database and streams its
 * single-use download link to a file, sending every operation by its persisted hash alone and
 * never a document's text, so it also runs against a gateway with PERSISTED_OPERATIONS_ONLY=true.
 * The file is written whole or not at all.
 *
 *   GATEWAY_PASSWORD=... npx tsx scripts/nightly-backup.ts [--out FILE] [--format JSON|YAML|SQL]
 *
 * From cron, every night at 02:30:
 *   30 2 * * * cd /srv/gateway && GATEWAY_PASSWORD=... npx tsx scripts/nightly-backup.ts
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  ExportFormat,
  LoginDocument,
  LogoutDocument,
  NightlyBackupDocument,
} from '../operations/generated/graphql';
import { persistedHash, scriptSettings } from './script-settings';

type Send = <T, V>(document: TypedDocumentNode<T, V>, variables: V) => Promise<T>;

/** Sends a document of operations/ by its hash alone; throws the first error of the answer. */
function persistedSender(url: string, token: () => string | null): Send {
  return async (document, variables) => {
    const bearer = token();
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: JSON.stringify({
        variables,
        extensions: { persistedQuery: { version: 1, sha256Hash: persistedHash(document) } },
      }),
    });
    const body = (await response.json()) as { data?: any; errors?: Array<{ message: string }> };
    if (body.errors?.length) {
      throw new Error(`${response.status}: ${body.errors[0].message}`);
    }

    return body.data;
  };
}

/** Streams the export behind a download link into `out`, through `out.partial`. */
async function download(url: string, out: string): Promise<void> {
  const response = await fetch(url);
  if (!response.ok || !response.body) {
    throw new Error(`${response.status}: the download link gave no file`);
  }
  await mkdir(dirname(out), { recursive: true });
  try {
    await pipeline(Readable.fromWeb(response.body as never), createWriteStream(`${out}.partial`));
  } catch (error) {
    await rm(`${out}.partial`, { force: true });
    throw error;
  }
  await rename(`${out}.partial`, out);
}

const EXTENSIONS: Record<ExportFormat, string> = { JSON: 'json', YAML: 'yml', SQL: 'sql' };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, format: { type: 'string', default: 'JSON' } },
  });
  const format = values.format as ExportFormat;
  if (!(format in EXTENSIONS)) {
    throw new Error(
      `--format must be one of ${Object.keys(EXTENSIONS).join(', ')}, got '${format}'`,
    );
  }
  const settings = scriptSettings();
  const day = new Date().toISOString().slice(0, 10);
  const out = values.out ?? join('backups', `metabuilder-${day}.${EXTENSIONS[format]}`);
  let token: string | null = null;
  const send = persistedSender(settings.url, () => token);

  const login = await send(LoginDocument, {
    username: settings.username,
    password: settings.password,
  });
  token = login.login?.token ?? null;
  try {
    const { exportDatabase } = await send(NightlyBackupDocument, { format });
    if (!exportDatabase.downloadUrl) {
      throw new Error('the export came without a download link');
    }
    await download(exportDatabase.downloadUrl, out);
    const count = exportDatabase.counts.reduce((sum, c) => sum + c.count, 0);
    console.log(`wrote ${count} records to ${out}`);
  } finally {
    await send(LogoutDocument, {});
  }
}

main().catch((error: unknown) => {
  console.error(`backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
