/**
 * urql against the gateway: logs in, pages through the users, updates one, uploads an import
 * file by the GraphQL multipart request spec and logs out. Documents of operations/ go by their
 * persisted hash; any other is sent by automatic persisted queries (hash first, text when the
 * gateway asks for it).
 *
 *   GATEWAY_PASSWORD=... npx tsx scripts/urql-client.ts [--user NAME] [--bio TEXT]
 *     [--page-size N] [--import FILE [--dry-run]] [--json]
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, fetchExchange } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import {
  ImportDatabaseDocument,
  LoginDocument,
  LogoutDocument,
  UpdateUserDocument,
  type UserFieldsFragment,
  UsersDocument,
} from '../operations/generated/graphql';
import { persistedHash, scriptSettings, sha256 } from './script-settings';

/** A client whose requests carry the bearer token `token()` returns, once there is one. */
function createClient(url: string, token: () => string | null): Client {
  return new Client({
    url,
    // fetchExchange sends a request whose variables hold a File as a multipart request.
    exchanges: [
      persistedExchange({
        enableForMutation: true,
        generateHash: async (query, document) => persistedHash(document) ?? sha256(query),
      }),
      fetchExchange,
    ],
    requestPolicy: 'network-only',
    // The CSRF header lets the gateway take multipart uploads from this client.
    fetchOptions: () => {
      const bearer = token();
      const csrf = { 'x-graphql-yoga-csrf': '1' };

      return { headers: bearer ? { ...csrf, authorization: `Bearer ${bearer}` } : csrf };
    },
  });
}

/** The data of a result, or its error thrown. */
function dataOf<T>(result: { data?: T; error?: Error }): T {
  if (result.error) {
    throw result.error;
  }

  return result.data as T;
}

/** Reads every user, `pageSize` at a time, in username order. */
async function allUsers(client: Client, pageSize: number) {
  const users: UserFieldsFragment[] = [];
  let pages = 0;
  for (let page = 0; ; page++) {
    const data = dataOf(
      await client
        .query(UsersDocument, { page, limit: pageSize, orderBy: [{ field: 'username' }] })
        .toPromise(),
    );
    users.push(...(data.users?.records ?? []));
    pages++;
    if (!data.users?.pagination?.hasMore) {
      return { users, pages };
    }
  }
}

/** Uploads an import file: the one step that sends a GraphQL multipart request. */
async function uploadImportFile(client: Client, path: string, dryRun: boolean) {
  const file = new File([await readFile(path)], basename(path));
  const data = dataOf(await client.mutation(ImportDatabaseDocument, { file, dryRun }).toPromise());

  return data.importDatabase;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      user: { type: 'string' },
      bio: { type: 'string' },
      'page-size': { type: 'string', default: '5' },
      import: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const settings = scriptSettings();
  let token: string | null = null;
  const client = createClient(settings.url, () => token);

  const login = dataOf(
    await client
      .mutation(LoginDocument, { username: settings.username, password: settings.password })
      .toPromise(),
  );
  token = login.login?.token ?? null;
  console.log(`logged in as ${login.login?.user?.username} (${login.login?.user?.role})`);

  const { users, pages } = await allUsers(client, Number(values['page-size']));
  console.log(`read ${users.length} users in ${pages} pages`);

  const username = values.user ?? settings.username;
  const target = users.find((user) => user.username === username);
  if (!target) {
    throw new Error(`No user named '${username}'`);
  }
  const bio = values.bio ?? `Checked by the urql script on ${new Date().toISOString()}`;
  const updated = dataOf(
    await client.mutation(UpdateUserDocument, { id: target.id, data: { bio } }).toPromise(),
  );
  console.log(`updated ${updated.updateUser?.username}: bio is now '${updated.updateUser?.bio}'`);

  const imported = values.import
    ? await uploadImportFile(client, values.import, values['dry-run'])
    : undefined;
  if (imported) {
    console.log(`imported ${values.import}: ${JSON.stringify(imported.summary)}`);
  }

  dataOf(await client.mutation(LogoutDocument, {}).toPromise());
  if (values.json) {
    console.log(
      JSON.stringify({ users: users.length, pages, updated: updated.updateUser, imported }),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
