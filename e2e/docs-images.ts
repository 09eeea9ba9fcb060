import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where the README's screenshots live (tracked in git). */
export const DOCS_IMAGES = 'docs/images';

/**
 * Set to `1` (by `npm run docs:screenshots`, which runs the tests tagged `@docs`) to refresh
 * {@link DOCS_IMAGES} from an e2e run.
 */
export const DOCS_SCREENSHOTS_ENV = 'HEARTH_DOCS_SCREENSHOTS';

/** Options of {@link publishDocsImage}. */
export interface PublishDocsImageOptions {
  /** A screenshot the test saved under its ignored output folder (`test-results/`). */
  readonly shot: string;
  /** File name in the docs folder, without `.png`. */
  readonly name: string;
  /** Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default {@link DOCS_IMAGES}. */
  readonly dir?: string;
}

/**
 * Copies a screenshot into the docs only when asked to ({@link DOCS_SCREENSHOTS_ENV} = `1`): a
 * plain `npm test` must leave the work tree unchanged. Returns whether it copied.
 */
export function publishDocsImage(o: PublishDocsImageOptions): boolean {
  const env = o.env ?? process.env;
  if (env[DOCS_SCREENSHOTS_ENV] !== '1') return false;
  const dir = o.dir ?? DOCS_IMAGES;
  mkdirSync(dir, { recursive: true });
  copyFileSync(o.shot, join(dir, `${o.name}.png`));
  return true;
}
