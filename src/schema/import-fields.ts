import type { ArgBuilder as PothosArgBuilder } from '@pothos/core';
import type {
  ImportError,
  ImportMode as Mode,
  ImportOptions,
  ImportResult,
  ImportSummary,
  ImportTypeResult,
} from '../services/import/import-result';
import { MAX_LISTED_ERRORS } from '../services/import/import-result';
import { withUploadedFile } from '../services/import/uploaded-file';
import { ADMIN, type Builder, type SchemaTypes } from './builder';
import type { CommonTypes } from './common-types';

type ArgBuilder = PothosArgBuilder<PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>>;

/** importDatabase (a file upload) and importDatabaseContent (the file as a string). */
export function addImportFields(builder: Builder, common: CommonTypes) {
  const ImportMode = builder.enumType('ImportMode', {
    description: 'What an import does with records that are already stored.',
    values: {
      APPEND: {
        value: 'APPEND' as Mode,
        description: 'Inserts every record; a record whose key is stored already fails.',
      },
      UPSERT: {
        value: 'UPSERT' as Mode,
        description:
          'Updates the stored record with the same primary key, or inserts; records identical ' +
          'to the stored ones are skipped.',
      },
      REPLACE: {
        value: 'REPLACE' as Mode,
        description:
          'Empties each type the file holds (children first; the database cascades to the ' +
          'types that point at them) and refills it, so that the table equals the file.',
      },
    },
  });

  const ImportErrorRef = builder.objectRef<ImportError>('ImportError').implement({
    description: 'Why one record of the file was not imported.',
    fields: (t) => ({
      entityType: t.field({
        type: common.EntityType,
        description: 'The type of the failing record.',
        resolve: (e) => e.entityType,
      }),
      index: t.exposeInt('index', {
        description: 'The position of the record among the records of its type, from 0.',
      }),
      line: t.exposeInt('line', {
        nullable: true,
        description: 'The line of the file where the record starts.',
      }),
      field: t.exposeString('field', {
        nullable: true,
        description: 'The field at fault; null when the record as a whole is.',
      }),
      error: t.exposeString('error', { description: 'What is wrong, naming the value.' }),
      record: t.field({
        type: 'JSON',
        nullable: true,
        description: 'The record as the file gave it, with passwordHash and token redacted.',
        resolve: (e) => e.record,
      }),
    }),
  });

  const ImportSummaryRef = builder.objectRef<ImportSummary>('ImportSummary').implement({
    description: 'The counts of an import over all types, and its errors.',
    fields: (t) => ({
      totalRecords: t.exposeInt('totalRecords', { description: 'Records in the file.' }),
      imported: t.exposeInt('imported', {
        description: 'Records inserted or updated; 0 when the import failed and wrote nothing.',
      }),
      skipped: t.exposeInt('skipped', {
        description:
          'Records left alone on purpose: of types not in entityTypes, or identical to the ' +
          'stored record.',
      }),
      failed: t.exposeInt('failed', { description: 'Records with at least one error.' }),
      deleted: t.exposeInt('deleted', { description: 'Stored records REPLACE removed.' }),
      errors: t.field({
        type: [ImportErrorRef],
        description: `Every error, up to ${MAX_LISTED_ERRORS}; errorsOmitted counts the rest.`,
        resolve: (s) => s.errors,
      }),
      errorsOmitted: t.exposeInt('errorsOmitted', {
        description: 'Errors left out of the list past its length.',
      }),
    }),
  });

  const ImportTypeResultRef = builder
    .objectRef<ImportTypeResult>('ImportDetailedResult')
    .implement({
      description: 'The counts of one entity type.',
      fields: (t) => ({
        entityType: t.field({
          type: common.EntityType,
          description: 'The entity type these counts are of.',
          resolve: (r) => r.entityType,
        }),
        imported: t.exposeInt('imported', { description: 'Records written.' }),
        skipped: t.exposeInt('skipped', { description: 'Records left alone on purpose.' }),
        failed: t.exposeInt('failed', { description: 'Records with at least one error.' }),
        deleted: t.exposeInt('deleted', {
          description: 'Records REPLACE removed, or that the database removed by cascade.',
        }),
      }),
    });

  const ImportResultRef = builder.objectRef<ImportResult>('ImportResult').implement({
    description: 'The outcome of an import, or of a dry run: the counts a real run would report.',
    fields: (t) => ({
      summary: t.field({
        type: ImportSummaryRef,
        description: 'The counts and errors of the whole import.',
        resolve: (r) => r.summary,
      }),
      detailedResults: t.field({
        type: [ImportTypeResultRef],
        description: 'One entry per entity type of the file, in foreign-key order.',
        resolve: (r) => r.detailedResults,
      }),
      dryRun: t.exposeBoolean('dryRun', {
        description: 'Whether the import ran in a transaction that was rolled back.',
      }),
      transactionId: t.exposeString('transactionId', {
        nullable: true,
        description: 'Set when the import committed; its audit log row carries the same id.',
      }),
    }),
  });

  const options = (arg: ArgBuilder) => ({
    mode: arg({
      type: ImportMode,
      defaultValue: 'APPEND',
      description: 'APPEND inserts, UPSERT updates or inserts, REPLACE empties and refills.',
    }),
    dryRun: arg.boolean({
      defaultValue: false,
      description: 'Runs the import in a transaction that is rolled back.',
    }),
    entityTypes: arg({
      type: [common.EntityType],
      description: 'Imports only these types; records of the others are skipped.',
    }),
    ignoreErrors: arg.boolean({
      defaultValue: false,
      description: 'Skips failing records and commits the rest, instead of writing nothing.',
    }),
  });
  const importOptions = (args: {
    mode?: Mode | null;
    dryRun?: boolean | null;
    entityTypes?: string[] | null;
    ignoreErrors?: boolean | null;
  }): ImportOptions => ({
    mode: args.mode ?? 'APPEND',
    dryRun: args.dryRun ?? false,
    entityTypes: args.entityTypes ?? null,
    ignoreErrors: args.ignoreErrors ?? false,
  });

  builder.mutationFields((t) => ({
    importDatabase: t.field({
      type: ImportResultRef,
      authScopes: ADMIN,
      description:
        'Imports an uploaded file (GraphQL multipart request); the format comes from its name: ' +
        '.json, .yaml, .yml or .sql. Every record is checked before the first write; by default ' +
        'one failure writes nothing. AuditLog records are refused: the gateway alone writes the ' +
        'audit log (leave them out with entityTypes). A tenant supergod imports only into its ' +
        'tenant.',
      args: {
        file: t.arg({
          type: 'Upload',
          required: true,
          description: 'A .json, .yaml, .yml or .sql file, by the GraphQL multipart request spec.',
        }),
        ...options(t.arg),
      },
      resolve: (_root, args, ctx) =>
        withUploadedFile(args.file, ctx.services.config.maxUploadBytes, (path, name) =>
          ctx.services.imports.importFile(ctx.actor, path, name, importOptions(args)),
        ),
    }),
    importDatabaseContent: t.field({
      type: ImportResultRef,
      authScopes: ADMIN,
      description: 'Imports a file sent as a string, in the given format, as importDatabase does.',
      args: {
        content: t.arg.string({ required: true, description: 'The text of an import file.' }),
        format: t.arg({
          type: common.ExportFormat,
          required: true,
          description: 'The format of the content.',
        }),
        ...options(t.arg),
      },
      resolve: (_root, args, ctx) =>
        ctx.services.imports.importContent(
          ctx.actor,
          args.content,
          args.format,
          importOptions(args),
        ),
    }),
  }));
}
