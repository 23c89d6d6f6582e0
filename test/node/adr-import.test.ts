import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importAdrDirectory, openTemporalDb, parseAdr } from '../../src/lmdb.js';

const dir = mkdtempSync(join(tmpdir(), 'temporal-db-adr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const nygard = (n: number, title: string, status: string, extra = '') =>
  `# ${n}. ${title}\n\nDate: 2024-01-0${n}\n\n## Status\n\n${status}\n\n${extra}\n## Context\n\nSome context.\n\n## Decision\n\nWe will do it.\n`;
const madr = (title: string, status: string) =>
  `---\nstatus: ${status}\ndate: 2024-02-01\n---\n# ${title}\n\n## Context and Problem Statement\n\nWhy.\n`;

describe('parseAdr', () => {
  it('reads Nygard and MADR files: number, slug, title, status, date and links', () => {
    expect(parseAdr(nygard(1, 'Record decisions', 'Superseded by [3. Use LMDB](0003-use-lmdb.md)'), '0001-Record_Decisions.md')).toEqual({
      number: 'ADR-0001',
      slug: 'record-decisions',
      title: '1. Record decisions',
      status: 'superseded',
      statusRaw: 'Superseded by [3. Use LMDB](0003-use-lmdb.md)',
      date: '2024-01-01',
      links: [{ type: 'supersededBy', target: 'ADR-0003' }],
    });
    expect(parseAdr(madr('Use LMDB', 'accepted'), 'adr-012-use-lmdb.md')).toMatchObject({
      number: 'ADR-012',
      title: 'Use LMDB',
      status: 'accepted',
      date: '2024-02-01',
    });
    expect(parseAdr('Use X\n=====\n\n**Status**: Proposed, supersedes ADR-2\n', 'notes.md')).toMatchObject({
      title: 'Use X',
      status: 'proposed',
      links: [{ type: 'supersedes', target: 'ADR-2' }],
    });
    expect(parseAdr('# Heading\n```\n# not a heading\n```\n', '7-x.md').status).toBeUndefined();
  });
});

describe('importAdrDirectory', () => {
  const repo = join(dir, 'repo');
  const adrs = join(repo, 'docs', 'adr');
  const commit = (message: string, date: string, author = 'Ana') => {
    execFileSync('git', ['-C', repo, 'add', '-A'], { stdio: 'ignore' });
    execFileSync('git', ['-C', repo, 'commit', '-q', '-m', message], {
      env: { ...process.env, GIT_AUTHOR_NAME: author, GIT_AUTHOR_EMAIL: 'a@example.org', GIT_COMMITTER_NAME: author, GIT_COMMITTER_EMAIL: 'a@example.org', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
  };

  it('imports every committed version, follows renames, records deletions, and adds nothing the second time', async () => {
    mkdirSync(adrs, { recursive: true });
    execFileSync('git', ['init', '-q', repo]);
    writeFileSync(join(adrs, 'README.md'), '# Decisions\n');
    writeFileSync(join(adrs, '0001-record-decisions.md'), nygard(1, 'Record decisions', 'Proposed'));
    commit('Add ADR 1', '2024-01-01T10:00:00Z');
    writeFileSync(join(adrs, '0001-record-decisions.md'), nygard(1, 'Record decisions', 'Accepted'));
    commit('Accept ADR 1', '2024-01-05T10:00:00Z', 'Bo');
    writeFileSync(join(adrs, '0002-use-lmdb.md'), madr('Use LMDB', 'proposed') + '\nLong enough body to be recognised as the same file after a rename.\n'.repeat(5));
    commit('Propose LMDB', '2024-02-01T10:00:00Z');
    renameSync(join(adrs, '0002-use-lmdb.md'), join(adrs, '0003-use-lmdb.md'));
    commit('Renumber', '2024-02-10T10:00:00Z');
    writeFileSync(join(adrs, '0004-short-lived.md'), nygard(4, 'Short lived', 'Proposed'));
    commit('Add 4', '2024-03-01T10:00:00Z');
    unlinkSync(join(adrs, '0004-short-lived.md'));
    commit('Drop 4', '2024-03-05T10:00:00Z', 'Bo');

    const db = await openTemporalDb({ path: join(dir, 'store') });
    const result = await importAdrDirectory(db, adrs, { git: true });
    expect(result).toMatchObject({ files: 3, versions: 6, stored: 6, skipped: 0, deleted: 1 });
    expect(result.identifiers.sort()).toEqual(['ADR-0001', 'ADR-0003', 'ADR-0004']);

    const one = await db.getSpecificationHistory('ADR-0001');
    expect(one.map((v) => [v.version, v.status, v.author, new Date(v.timestamp).toISOString()])).toEqual([
      [1, 'proposed', 'Ana', '2024-01-01T10:00:00.000Z'],
      [2, 'accepted', 'Bo', '2024-01-05T10:00:00.000Z'],
    ]);
    expect(one[1]!.metadata).toMatchObject({ source: 'git', path: 'docs/adr/0001-record-decisions.md', commitMessage: 'Accept ADR 1' });
    const three = await db.getSpecificationHistory('ADR-0003');
    expect(three.map((v) => v.metadata.path)).toEqual(['docs/adr/0002-use-lmdb.md', 'docs/adr/0003-use-lmdb.md']);
    expect(await db.getLatestSpecification('ADR', 'ADR-0004')).toBeUndefined();
    expect((await db.getSpecification('ADR-0004', { asOf: '2024-03-02' }))?.title).toBe('4. Short lived');
    const deletion = await db.getChanges({ changeType: 'Delete' });
    expect(deletion).toMatchObject([{ identifier: 'ADR-0004', author: 'Bo' }]);

    const again = await importAdrDirectory(db, adrs, { git: true });
    expect(again).toMatchObject({ stored: 0, skipped: 6, deleted: 0 });
    expect((await db.statistics()).versions).toBe(6);

    // A new commit is all a later run adds.
    writeFileSync(join(adrs, '0003-use-lmdb.md'), madr('Use LMDB', 'accepted'));
    commit('Accept LMDB', '2024-04-01T10:00:00Z');
    expect(await importAdrDirectory(db, adrs, { git: true })).toMatchObject({ stored: 1, skipped: 6 });
    expect((await db.getLatestSpecification('ADR', 'ADR-0003'))?.status).toBe('accepted');
    await db.close();
  });

  it('keeps history from before a move into the folder, tells apart names that differ only in case, skips templates', async () => {
    const other = join(dir, 'moves');
    mkdirSync(join(other, 'doc', 'adr'), { recursive: true });
    execFileSync('git', ['init', '-q', other]);
    const commitHere = (message: string, date: string) => {
      execFileSync('git', ['-C', other, 'add', '-A'], { stdio: 'ignore' });
      execFileSync('git', ['-C', other, 'commit', '-q', '-m', message], {
        env: { ...process.env, GIT_AUTHOR_NAME: 'Ana', GIT_AUTHOR_EMAIL: 'a@example.org', GIT_COMMITTER_NAME: 'Ana', GIT_COMMITTER_EMAIL: 'a@example.org', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      });
    };
    writeFileSync(join(other, 'doc', 'adr', '0001-moved.md'), nygard(1, 'Moved', 'Proposed') + 'Body that stays the same through the move.\n'.repeat(5));
    writeFileSync(join(other, 'doc', 'adr', '0000-template.md'), '# Title\n\n## Status\n\nWhat is the status?\n');
    commitHere('Start', '2024-01-01T00:00:00Z');
    mkdirSync(join(other, 'docs', 'adr'), { recursive: true });
    renameSync(join(other, 'doc', 'adr', '0001-moved.md'), join(other, 'docs', 'adr', '0001-moved.md'));
    writeFileSync(join(other, 'docs', 'adr', '0005-eks.md'), nygard(5, 'EKS lower', 'Proposed'));
    writeFileSync(join(other, 'docs', 'adr', '0005-EKS.md'), nygard(5, 'EKS upper', 'Accepted'));
    writeFileSync(join(other, 'docs', 'adr', 'adr-014-project-templates.md'), nygard(4, 'Project templates', 'Accepted'));
    commitHere('Move and add', '2024-02-01T00:00:00Z');
    const db = await openTemporalDb({ path: join(dir, 'moves-store') });
    const result = await importAdrDirectory(db, join(other, 'docs', 'adr'), { git: true });
    expect(result.identifiers.sort()).toEqual(['ADR-0001', 'ADR-0005-EKS', 'ADR-0005-eks', 'ADR-014']);
    expect((await db.getSpecificationHistory('ADR-0001')).map((v) => v.metadata.path)).toEqual(['doc/adr/0001-moved.md', 'docs/adr/0001-moved.md']);
    expect((await db.getLatestSpecification('ADR', 'ADR-0005-EKS'))?.title).toBe('5. EKS upper');
    await db.close();
  });

  it('imports the files as they are without git, once', async () => {
    const db = await openTemporalDb({ path: join(dir, 'plain') });
    const result = await importAdrDirectory(db, adrs);
    expect(result).toMatchObject({ files: 2, versions: 2, stored: 2 });
    expect((await db.getLatestSpecification('ADR', 'ADR-0001'))?.timestamp).toBe(Date.parse('2024-01-01'));
    expect((await importAdrDirectory(db, adrs)).stored).toBe(0);
    await db.close();
  });
});
