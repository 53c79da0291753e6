import { expect } from 'chai';
import { importsUnder } from '../../support/import-graph.ts';

describe('unit: the boundary between node/ and federation/', function () {
  const nodeImports = importsUnder('node');
  const federationImports = importsUnder('federation');

  it('reads the imports it judges (the scanner sees the node reaching the federation)', function () {
    expect(nodeImports.filter((edge) => edge.target === 'federation/index.ts').map((edge) => edge.from))
      .to.include.members(['node/server.ts', 'node/http/app.ts', 'node/cases/ingest.ts']);
    expect(federationImports.some((edge) => edge.target === 'federation/log/merkle.ts')).to.equal(true);
  });

  it('node/ imports the federation only through federation/index.ts', function () {
    const deep = nodeImports
      .filter((edge) => edge.target?.startsWith('federation/') && edge.target !== 'federation/index.ts')
      .map((edge) => `${edge.from} -> ${edge.specifier}`);
    expect(deep).to.deep.equal([]);
  });

  it('nothing under federation/ imports node/', function () {
    const reaching = federationImports
      .filter((edge) => edge.target?.startsWith('node/'))
      .map((edge) => `${edge.from} -> ${edge.specifier}`);
    expect(reaching).to.deep.equal([]);
  });

  it('federation/ imports no file outside itself but packages (node:*, npm)', function () {
    const outside = federationImports
      .filter((edge) => edge.target !== null && !edge.target.startsWith('federation/'))
      .map((edge) => `${edge.from} -> ${edge.specifier}`);
    expect(outside).to.deep.equal([]);
  });
});
