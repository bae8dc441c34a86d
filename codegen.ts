import { createHash } from 'node:crypto';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';

/**
 * Typed documents for TypeScript clients and the persisted-operations manifest (hash to document),
 * generated from schema.graphql and operations/*.graphql by `npm run codegen`.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: 'operations/*.graphql',
  ignoreNoDocuments: false,
  generates: {
    'operations/generated/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        // Each document carries its hash (document.__meta__.hash); persisted-documents.json maps
        // every hash to the document text the gateway runs. The hash is the plain SHA-256 hex of
        // that text, as Apollo's automatic persisted queries protocol computes it.
        persistedDocuments: {
          mode: 'embedHashInDocument',
          hashAlgorithm: (text: string) => createHash('sha256').update(text).digest('hex'),
        },
      },
      // Apollo Client and urql add __typename to what they send; the persisted text has it too.
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: {
        scalars: {
          ID: { input: 'string', output: 'string' },
          Timestamp: 'number',
          JSON: 'unknown',
          Upload: 'Blob',
        },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
