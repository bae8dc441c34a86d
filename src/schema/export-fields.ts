import type { RequestContext } from '../auth/request-context';
import { DOWNLOAD_LINK_PATH } from '../services/export/download-links';
import type { ExportSummary } from '../services/export/export-service';
import { ADMIN, type Builder } from './builder';
import type { CommonTypes } from './common-types';

/** What `exportDatabase` returns: the export's counts and either its link or its content. */
interface ExportResultValue {
  summary: ExportSummary;
  downloadUrl: string | null;
  downloadExpiresAt: number | null;
  content: string | null;
}

/** The absolute address of a download link, on the host the request was sent to. */
function downloadUrl(ctx: RequestContext, token: string): string {
  const request = (ctx as RequestContext & { request?: Request }).request;
  const path = `${DOWNLOAD_LINK_PATH}${token}`;

  return request ? new URL(path, request.url).toString() : path;
}

/** exportDatabase, with the ExportFormat and SqlDialect enums and ExportResult. */
export function addExportFields(builder: Builder, common: CommonTypes) {
  const ExportFormatRef = common.ExportFormat;
  const SqlDialectRef = common.SqlDialect;

  const ExportResultRef = builder.objectRef<ExportResultValue>('ExportResult').implement({
    description: 'An export: what it holds, and its single-use download link or its content.',
    fields: (t) => ({
      format: t.field({
        type: ExportFormatRef,
        description: 'The format of the file.',
        resolve: (r) => r.summary.plan.format,
      }),
      filename: t.string({
        description: 'database-export-YYYY-MM-DD.json, .yml or .sql.',
        resolve: (r) => r.summary.filename,
      }),
      contentType: t.string({
        description: 'The media type the download is sent with.',
        resolve: (r) => r.summary.contentType,
      }),
      exportedAt: t.field({
        type: 'Timestamp',
        description: 'When the records were counted (and read, for inline content).',
        resolve: (r) => r.summary.exportedAt,
      }),
      counts: t.field({
        type: [common.EntityCount],
        description:
          'Records per entity type, parents first. A download reads the records when it is ' +
          'fetched, and its file states its own counts.',
        resolve: (r) => r.summary.counts,
      }),
      downloadUrl: t.string({
        nullable: true,
        description:
          'A single-use address on the gateway that streams the file, valid for 5 minutes ' +
          '(Content-Disposition: attachment). Null when the content is inline.',
        resolve: (r) => r.downloadUrl,
      }),
      downloadExpiresAt: t.field({
        type: 'Timestamp',
        nullable: true,
        description: 'When the download link stops working.',
        resolve: (r) => r.downloadExpiresAt,
      }),
      content: t.string({
        nullable: true,
        description: 'The file itself, with `inline: true` (at most 5 MB).',
        resolve: (r) => r.content,
      }),
    }),
  });

  builder.mutationField('exportDatabase', (t) =>
    t.field({
      type: ExportResultRef,
      authScopes: ADMIN,
      description:
        "Exports records of the database, within the caller's tenant. Without entityTypes every " +
        'type but Session and Credential (with includeSensitive) and AuditLog (only when named).',
      args: {
        format: t.arg({
          type: ExportFormatRef,
          defaultValue: 'JSON',
          description: 'JSON, YAML or SQL.',
        }),
        entityTypes: t.arg({
          type: [common.EntityType],
          description: 'The types to export; they are written parents first whatever the order.',
        }),
        filter: t.arg({
          type: 'JSON',
          description:
            'The filter of the entity browser, applied to each exported type that has every ' +
            'field it names; other types are exported whole.',
        }),
        includeSensitive: t.arg.boolean({
          defaultValue: false,
          description:
            'Export Session and Credential, with their token and password hashes, so that a ' +
            'restore keeps logins working.',
        }),
        dialect: t.arg({
          type: SqlDialectRef,
          description: "The dialect of a SQL export; the database's own by default.",
        }),
        inline: t.arg.boolean({
          defaultValue: false,
          description: 'Return the file in `content` instead of a link (at most 5 MB).',
        }),
      },
      resolve: async (_root, args, ctx): Promise<ExportResultValue> => {
        const options = {
          format: args.format,
          entityTypes: args.entityTypes,
          filter: args.filter,
          includeSensitive: args.includeSensitive,
          dialect: args.dialect,
        };
        const exports = ctx.services.exports;
        if (args.inline) {
          const { summary, content } = await exports.inline(ctx.actor, options);

          return { summary, content, downloadUrl: null, downloadExpiresAt: null };
        }
        const link = await exports.createDownloadLink(
          ctx.actor,
          options,
          ctx.viewer?.sessionId ?? null,
        );

        return {
          summary: link.summary,
          content: null,
          downloadUrl: downloadUrl(ctx, link.token),
          downloadExpiresAt: link.expiresAt,
        };
      },
    }),
  );
}
