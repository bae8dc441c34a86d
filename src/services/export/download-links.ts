import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from '../record-query';
import type { ExportOptions } from './export-plan';

/** The path a download link's token is appended to. */
export const DOWNLOAD_LINK_PATH = '/export/download/';

/** How long a download link stays valid. */
export const DOWNLOAD_LINK_TTL_MS = 5 * 60_000;

/** What a download link stands for: an export and the actor it is read as. */
export interface DownloadLink {
  actor: Actor;
  /** The session that made the link: the link works only while it stays a level-5 session. */
  sessionId: string | null;
  options: ExportOptions;
  /** When the link was made, in milliseconds since the epoch. */
  createdAt: number;
  expiresAt: number;
}

/**
 * Where single-use download links are kept. Keys are hashes of the link tokens, never the tokens.
 * The in-memory store serves one gateway process; several instances behind a load balancer need
 * a shared store (PostgreSQL or Redis) behind this same interface.
 */
export interface DownloadLinkStore {
  put(key: string, link: DownloadLink): Promise<void>;
  /** Removes the link and returns it, or undefined when it is unknown, used or expired. */
  take(key: string, now: number): Promise<DownloadLink | undefined>;
}

/** Download links in the memory of this process; expired ones are swept on each new link. */
export class MemoryDownloadLinkStore implements DownloadLinkStore {
  private readonly links = new Map<string, DownloadLink>();

  async put(key: string, link: DownloadLink): Promise<void> {
    for (const [other, stored] of this.links) {
      if (stored.expiresAt <= link.createdAt) {
        this.links.delete(other);
      }
    }
    this.links.set(key, link);
  }

  async take(key: string, now: number): Promise<DownloadLink | undefined> {
    const link = this.links.get(key);
    this.links.delete(key);

    return link && link.expiresAt > now ? link : undefined;
  }
}

/** A new link token: 32 random bytes, base64url. */
export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The key a link is stored under: the SHA-256 of its token. */
export function linkKey(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
