/**
 * The relative imports of the repository's TypeScript files, read with the TypeScript compiler's
 * own pre-processor (static imports, `import type`, `export ... from` and dynamic `import()`), for
 * the tests that hold the layering to its rules.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** One import: the importing file and what it names, both as repository paths with `/`. */
export interface ImportEdge {
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** The repository path a relative specifier points at; null for a package. */
  target: string | null;
}

const toRepoPath = (absolute: string): string => relative(REPO_ROOT, absolute).split(sep).join('/');

/** Every `.ts` file under `folder` (a repository path), skipping node_modules and the console build. */
export function typeScriptFiles(folder: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'dist') walk(path);
      } else if (entry.name.endsWith('.ts')) files.push(toRepoPath(path));
    }
  };
  walk(join(REPO_ROOT, folder));
  return files.sort();
}

/** The imports of one file (a repository path). */
export function importsOf(file: string): ImportEdge[] {
  const info = ts.preProcessFile(readFileSync(join(REPO_ROOT, file), 'utf8'), true, true);
  return info.importedFiles.map(({ fileName }) => ({
    from: file,
    specifier: fileName,
    target: fileName.startsWith('.') ? toRepoPath(resolve(REPO_ROOT, dirname(file), fileName)) : null,
  }));
}

/** The imports of every file under `folder`. */
export function importsUnder(folder: string): ImportEdge[] {
  return typeScriptFiles(folder).flatMap(importsOf);
}
