/**
 * The nightly backup: logs in, fetches the backup and writes it to a file, sending every
 * operation by its persisted hash alone and never a document's text, so it also runs against a
 * gateway with PERSISTED_OPERATIONS_ONLY=true. The file is written whole or not at all.
 *
 *   GATEWAY_PASSWORD=... npx tsx scripts/nightly-backup.ts [--out FILE]
 *
 * From cron, every night at 02:30:
 *   30 2 * * * cd /srv/gateway && GATEWAY_PASSWORD=... npx tsx scripts/nightly-backup.ts
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  LoginDocument,
  LogoutDocument,
  NightlyBackupDocument,
  type UserFieldsFragment,
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

/** The backup file: every user, a page at a time, in the shape of an export file. */
async function fetchBackup(send: Send): Promise<{ content: string; count: number }> {
  const users: Array<Omit<UserFieldsFragment, '__typename'>> = [];
  for (let page = 0; ; page++) {
    const data = await send(NightlyBackupDocument, { page });
    users.push(...(data.users?.records ?? []).map(({ __typename, ...user }) => user));
    if (!data.users?.pagination?.hasMore) {
      break;
    }
  }
  const file = { exportedAt: Date.now(), entities: { User: users } };

  return { content: `${JSON.stringify(file, null, 2)}\n`, count: users.length };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const settings = scriptSettings();
  const out =
    values.out ?? join('backups', `metabuilder-${new Date().toISOString().slice(0, 10)}.json`);
  let token: string | null = null;
  const send = persistedSender(settings.url, () => token);

  const login = await send(LoginDocument, {
    username: settings.username,
    password: settings.password,
  });
  token = login.login?.token ?? null;
  try {
    const backup = await fetchBackup(send);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(`${out}.partial`, backup.content);
    await rename(`${out}.partial`, out);
    console.log(`wrote ${backup.count} records to ${out}`);
  } finally {
    await send(LogoutDocument, {});
  }
}

main().catch((error: unknown) => {
  console.error(`backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
