/**
 * Apollo Client against the gateway: logs in, pages through the users, updates one, uploads an
 * import file by the GraphQL multipart request spec and logs out. Documents of operations/ go by
 * their persisted hash; any other is sent by automatic persisted queries (hash first, text when
 * the gateway asks for it).
 *
 *   GATEWAY_PASSWORD=... npx tsx scripts/apollo-client.ts [--user NAME] [--bio TEXT]
 *     [--page-size N] [--import FILE [--dry-run]] [--json]
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import UploadHttpLink from 'apollo-upload-client/UploadHttpLink.mjs';
import { print } from 'graphql';
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
function createClient(url: string, token: () => string | null): ApolloClient {
  const auth = new SetContextLink(({ headers }) => {
    const bearer = token();

    return bearer ? { headers: { ...headers, authorization: `Bearer ${bearer}` } } : {};
  });
  const persisted = new PersistedQueryLink({
    generateHash: (document) => persistedHash(document) ?? sha256(print(document)),
  });

  // UploadHttpLink sends a request whose variables hold a File as a multipart request, and any
  // other as JSON, like Apollo's HttpLink. The gateway takes a multipart request only with a
  // header a browser would not add to a forged form (its CSRF check).
  return new ApolloClient({
    cache: new InMemoryCache(),
    link: ApolloLink.from([
      auth,
      persisted,
      new UploadHttpLink({ uri: url, headers: { 'apollo-require-preflight': 'true' } }),
    ]),
  });
}

/** Reads every user, `pageSize` at a time, in username order. */
async function allUsers(client: ApolloClient, pageSize: number) {
  const users: UserFieldsFragment[] = [];
  let pages = 0;
  for (let page = 0; ; page++) {
    const { data } = await client.query({
      query: UsersDocument,
      variables: { page, limit: pageSize, orderBy: [{ field: 'username' }] },
      fetchPolicy: 'network-only',
    });
    users.push(...(data?.users?.records ?? []));
    pages++;
    if (!data?.users?.pagination?.hasMore) {
      return { users, pages };
    }
  }
}

/** Uploads an import file: the one step that sends a GraphQL multipart request. */
async function uploadImportFile(client: ApolloClient, path: string, dryRun: boolean) {
  const file = new File([await readFile(path)], basename(path));
  const { data } = await client.mutate({
    mutation: ImportDatabaseDocument,
    variables: { file, dryRun },
  });

  return data?.importDatabase;
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

  const { data: login } = await client.mutate({
    mutation: LoginDocument,
    variables: { username: settings.username, password: settings.password },
  });
  token = login?.login?.token ?? null;
  console.log(`logged in as ${login?.login?.user?.username} (${login?.login?.user?.role})`);

  const { users, pages } = await allUsers(client, Number(values['page-size']));
  console.log(`read ${users.length} users in ${pages} pages`);

  const username = values.user ?? settings.username;
  const target = users.find((user) => user.username === username);
  if (!target) {
    throw new Error(`No user named '${username}'`);
  }
  const bio = values.bio ?? `Checked by the Apollo Client script on ${new Date().toISOString()}`;
  const { data: updated } = await client.mutate({
    mutation: UpdateUserDocument,
    variables: { id: target.id, data: { bio } },
  });
  console.log(`updated ${updated?.updateUser?.username}: bio is now '${updated?.updateUser?.bio}'`);

  const imported = values.import
    ? await uploadImportFile(client, values.import, values['dry-run'])
    : undefined;
  if (imported) {
    console.log(`imported ${values.import}: ${JSON.stringify(imported.summary)}`);
  }

  await client.mutate({ mutation: LogoutDocument });
  if (values.json) {
    console.log(
      JSON.stringify({ users: users.length, pages, updated: updated?.updateUser, imported }),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
