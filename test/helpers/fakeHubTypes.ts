import type { IncomingMessage, ServerResponse } from 'node:http';

/** A file in a fake Hub repository. */
export interface FakeHubFile {
  path: string;
  bytes: Buffer;
  /** The LFS SHA-256 the tree reports; the bytes' real hash unless a test wants a lie. */
  sha256?: string;
}

/** A repository the fake Hub serves (search, tree with LFS hashes, resolve with Range). */
export interface FakeHubRepo {
  /** "owner/name". */
  id: string;
  /** The commit sha the tree and resolve answer at (40 hex). */
  sha: string;
  /** The Hub's licence id: "apache-2.0", "llama3.1", "cc-by-nc-4.0", "other", ... */
  license?: string;
  tags?: string[];
  downloads?: number;
  likes?: number;
  gated?: boolean;
  /** "text-generation" or "feature-extraction". */
  pipelineTag?: string;
  lastModified?: string;
  files: FakeHubFile[];
}

/** Answers an `/api/...` request; returns false when the path is not one it knows (the server then sends 404). */
export type HubApiHandler = (req: IncomingMessage, res: ServerResponse, ctx: { repos: FakeHubRepo[]; baseUrl: string }) => boolean;
