import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, typeScriptFiles } from '../../support/import-graph.ts';

// A declaration of the port, whatever its form (interface, type alias, class).
const DECLARATION = /\b(?:interface|type|class)\s+SqlRunner\b(?!\s*[,}])/g;

describe('unit: one SqlRunner for the whole codebase', function () {
  const declarations = [...typeScriptFiles('node'), ...typeScriptFiles('federation')].flatMap((file) => {
    const text = readFileSync(join(REPO_ROOT, file), 'utf8');
    return [...text.matchAll(DECLARATION)].map(() => file);
  });

  it('is declared exactly once, in federation/sql-runner.ts (the node takes it through federation/index.ts)', function () {
    expect(declarations).to.deep.equal(['federation/sql-runner.ts']);
  });

  it('is what node/core/db.ts hands out', function () {
    const core = readFileSync(join(REPO_ROOT, 'node/core/db.ts'), 'utf8');
    expect(core).to.match(/import type \{ SqlRunner \} from '\.\.\/\.\.\/federation\/index\.ts';/);
  });
});
