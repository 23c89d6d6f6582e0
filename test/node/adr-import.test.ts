import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync, renameSync } from 'node:fs';
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

  it('reads nothing inside code fences: a quoted template says nothing about the ADR', () => {
    const madrTemplate = '---\nstatus: accepted\ndate: 1999-01-01\n---\n# Status\n\nAccepted\n\nStatus: accepted\n| Status | accepted |\nSuperseded by [9. Nine](0009-nine.md)\n';
    // Nygard, ``` fence: the status under the real heading wins, the quoted one is ignored.
    const nygardBackticks = `# 3. Quote a template\n\n## Status\n\n\`\`\`markdown\n${madrTemplate}\`\`\`\n\nProposed\n\n## Context\n\nText.\n`;
    expect(parseAdr(nygardBackticks, '0003-quote.md')).toEqual({ number: 'ADR-0003', slug: 'quote', title: '3. Quote a template', status: 'proposed', statusRaw: 'Proposed', links: [] });
    // Nygard, ~~~ fence (with a longer closing fence), and no status outside it.
    const nygardTildes = `# 4. Only quoted\n\n~~~~\n## Status\n\nAccepted\n~~~\nstill inside: Date: 1999-01-01\n~~~~~\n\n## Context\n\n**Status**: Rejected\n`;
    expect(parseAdr(nygardTildes, '0004-only.md')).toEqual({ number: 'ADR-0004', slug: 'only', title: '4. Only quoted', status: 'rejected', statusRaw: 'Rejected', links: [] });
    expect(parseAdr(nygardTildes.replace(/\*\*Status.*\n/, ''), '0004-only.md')).toEqual({ number: 'ADR-0004', slug: 'only', title: '4. Only quoted', links: [] });
    // MADR with front matter: its own front matter counts, the fenced copy does not.
    const madrFenced = `---\nstatus: proposed\n---\n# Use a template\n\n~~~yaml\n${madrTemplate}~~~\n\n## Decision Outcome\n\nChosen.\n`;
    expect(parseAdr(madrFenced, '0005-template-use.md')).toEqual({ number: 'ADR-0005', slug: 'template-use', title: 'Use a template', status: 'proposed', statusRaw: 'proposed', links: [] });
    // MADR without front matter, a fenced front-matter block first: no status, date, title or link from it.
    const madrBare = `\`\`\`\n${madrTemplate}\`\`\`\n\nUse a bare file\n===\n`;
    expect(parseAdr(madrBare, '0006-bare.md')).toEqual({ number: 'ADR-0006', slug: 'bare', title: 'Use a bare file', links: [] });
    // An unclosed fence runs to the end; inline code with backticks does not open a fence.
    expect(parseAdr('# 7. Open\n\n```\nStatus: accepted\n', '0007-open.md').status).toBeUndefined();
    expect(parseAdr('# 8. Inline\n\n```x``` and\nStatus: accepted\n', '0008-inline.md').status).toBe('accepted');
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

/** A git repository in a temp folder whose commits have the given author and dates. */
function gitRepo(name: string) {
  const root = join(dir, name);
  const adrs = join(root, 'docs', 'adr');
  mkdirSync(adrs, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', root]);
  const git = (args: string[], date = '2024-01-01T00:00:00Z', author = 'Ana') =>
    execFileSync('git', ['-C', root, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, GIT_AUTHOR_NAME: author, GIT_AUTHOR_EMAIL: 'a@example.org', GIT_COMMITTER_NAME: author, GIT_COMMITTER_EMAIL: 'a@example.org', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
  const head = () => git(['rev-parse', 'HEAD']).trim();
  return {
    adrs,
    git,
    write: (file: string, text: string) => writeFileSync(join(adrs, file), text),
    read: (file: string) => readFileSync(join(adrs, file), 'utf8'),
    commit: (message: string, date: string, author = 'Ana') => (git(['add', '-A']), git(['commit', '-q', '-m', message], date, author), head()),
    /** A merge commit (never a fast-forward); a conflict is left for the caller to resolve and commit. */
    merge: (branch: string, date: string, resolve?: () => void) => {
      try {
        git(['merge', '--no-ff', '--no-edit', '-q', branch], date);
      } catch (error) {
        if (!resolve) throw error;
        resolve();
        git(['add', '-A']);
        git(['commit', '-q', '--no-edit'], date);
      }
      return head();
    },
    /** The commits `git log` lists for a file with its default history simplification. */
    simplifiedLog: (file: string) => git(['log', '--format=%H', '--', `docs/adr/${file}`]).split('\n').filter(Boolean),
  };
}

const body = (status: string, ...lines: string[]) =>
  `# 1. Use branches\n\n## Status\n\n${status}\n\n## Context\n\n${lines.join('\n')}\n\n## Decision\n\n${'A paragraph that keeps the file recognisable across renames.\n'.repeat(6)}`;
const iso = (ms: number) => new Date(ms).toISOString();

describe('importAdrDirectory --git across branches', () => {
  const at = (day: number) => `2024-01-${String(day).padStart(2, '0')}T10:00:00Z`;

  it('imports the commits of a side branch whose merge kept main\'s text (a reverted merge), dated at the merge', async () => {
    const r = gitRepo('revert');
    r.write('0001-use-branches.md', body('Proposed', 'line a', 'line b'));
    const m0 = r.commit('Add ADR 1', at(1));
    r.git(['branch', 'feature']);
    r.git(['checkout', '-q', '-b', 'experiment']);
    r.write('0001-use-branches.md', body('Accepted', 'line a', 'line b'));
    const e1 = r.commit('Try accepting', at(2), 'Bo');
    r.git(['checkout', '-q', 'feature']);
    const fm = r.merge('experiment', at(3));
    r.git(['revert', '-m', '1', '--no-edit', fm], at(4), 'Bo');
    const revert = r.git(['rev-parse', 'HEAD']).trim();
    r.git(['checkout', '-q', 'main']);
    r.write('0001-use-branches.md', body('Proposed', 'line a', 'line b on main'));
    const m1 = r.commit('Edit on main', at(5));
    const merge = r.merge('feature', at(6));
    // git log's default simplification hides both side commits: the merge kept main's text.
    expect(r.simplifiedLog('0001-use-branches.md')).toEqual([m1, m0]);

    const db = await openTemporalDb({ path: join(dir, 'revert-store') });
    const result = await importAdrDirectory(db, r.adrs, { git: true });
    expect(result).toMatchObject({ files: 1, versions: 5, stored: 5 });
    const history = await db.getSpecificationHistory('ADR-0001');
    expect(history.map((v) => [v.metadata.commit, v.status, iso(v.timestamp), v.metadata.mergedIn])).toEqual([
      [m0, 'proposed', at(1).replace('Z', '.000Z'), undefined],
      [m1, 'proposed', at(5).replace('Z', '.000Z'), undefined],
      // The side branch's commits count from the merge that brought them onto main, keeping their own author time.
      [e1, 'accepted', at(6).replace('Z', '.000Z'), merge],
      [revert, 'proposed', at(6).replace('Z', '.000Z'), merge],
      // The merge kept main's text over the branch's last version: a version, so the history ends at what main holds.
      [merge, 'proposed', at(6).replace('Z', '.000Z'), undefined],
    ]);
    expect(history[2]!.metadata).toMatchObject({ authoredAt: at(2).replace('Z', '.000Z'), path: 'docs/adr/0001-use-branches.md' });
    expect(history[2]!.author).toBe('Bo');
    // As of any instant, the text main held then: the branch's "Accepted" never shows.
    expect((await db.getSpecification('ADR-0001', { asOf: at(3) }))?.content).toBe(body('Proposed', 'line a', 'line b'));
    expect((await db.getSpecification('ADR-0001', { asOf: at(5) }))?.content).toBe(r.read('0001-use-branches.md'));
    expect((await db.getSpecification('ADR-0001', { asOf: at(6) }))?.content).toBe(r.read('0001-use-branches.md'));
    expect(await importAdrDirectory(db, r.adrs, { git: true })).toMatchObject({ stored: 0, skipped: 5 });
    await db.close();
  });

  it('imports a change landed twice (cherry-picked onto main and merged from its branch), and one file for an addition landed twice', async () => {
    const r = gitRepo('cherry');
    r.write('0001-use-branches.md', body('Proposed'));
    const m0 = r.commit('Add ADR 1', at(1));
    r.git(['checkout', '-q', '-b', 'side']);
    r.write('0001-use-branches.md', body('Accepted'));
    r.write('0002-pick.md', nygard(2, 'Pick', 'Proposed'));
    const s1 = r.commit('Accept 1, propose 2', at(2), 'Bo');
    r.git(['checkout', '-q', 'main']);
    r.git(['cherry-pick', s1], at(3));
    const m1 = r.git(['rev-parse', 'HEAD']).trim();
    r.write('0003-main.md', nygard(3, 'Main', 'Proposed'));
    r.commit('Add 3', at(4));
    const merge = r.merge('side', at(5));
    expect(r.simplifiedLog('0001-use-branches.md')).toEqual([m1, m0]);

    const db = await openTemporalDb({ path: join(dir, 'cherry-store') });
    const result = await importAdrDirectory(db, r.adrs, { git: true });
    expect(result.identifiers.sort()).toEqual(['ADR-0001', 'ADR-0002', 'ADR-0003']);
    expect(result).toMatchObject({ files: 3, versions: 6, stored: 6 });
    const one = await db.getSpecificationHistory('ADR-0001');
    // The cherry-pick keeps the original author time (day 2); the branch's own commit counts from the merge.
    expect(one.map((v) => [v.metadata.commit, v.status, iso(v.timestamp), v.metadata.mergedIn])).toEqual([
      [m0, 'proposed', at(1).replace('Z', '.000Z'), undefined],
      [m1, 'accepted', at(2).replace('Z', '.000Z'), undefined],
      [s1, 'accepted', at(5).replace('Z', '.000Z'), merge],
    ]);
    expect((await db.getSpecificationHistory('ADR-0002')).map((v) => v.metadata.commit)).toEqual([m1, s1]);
    expect(await importAdrDirectory(db, r.adrs, { git: true })).toMatchObject({ stored: 0, skipped: 6 });
    await db.close();
  });

  it('keeps a renamed file apart from a new file under its old name when an older branch still has the old one', async () => {
    const r = gitRepo('reuse');
    r.write('0001-a.md', body('Proposed'));
    r.write('0003-c.md', nygard(3, 'C', 'Proposed'));
    r.commit('Add 1 and 3', at(1));
    r.git(['checkout', '-q', '-b', 'old']);
    r.write('0003-c.md', nygard(3, 'C', 'Accepted'));
    r.commit('Accept 3', at(2));
    r.git(['checkout', '-q', 'main']);
    r.git(['mv', 'docs/adr/0001-a.md', 'docs/adr/0001-b.md']);
    r.commit('Rename 1', at(3));
    r.write('0001-a.md', nygard(1, 'A new file', 'Proposed'));
    r.commit('A new file under the old name', at(4));
    r.merge('old', at(5));

    const db = await openTemporalDb({ path: join(dir, 'reuse-store') });
    const result = await importAdrDirectory(db, r.adrs, { git: true });
    expect(result.identifiers.sort()).toEqual(['ADR-0001-a', 'ADR-0001-b', 'ADR-0003']);
    expect((await db.getSpecificationHistory('ADR-0001-b')).map((v) => v.metadata.path)).toEqual(['docs/adr/0001-a.md', 'docs/adr/0001-b.md']);
    expect((await db.getSpecificationHistory('ADR-0001-a')).map((v) => v.title)).toEqual(['1. A new file']);
    await db.close();
  });

  it('imports a "main -> prod" commit on a prod branch merged back, and no version for a merge that only brings main in', async () => {
    const r = gitRepo('prod');
    r.write('0001-use-branches.md', body('Proposed', 'line a', 'line b'));
    const m0 = r.commit('Add ADR 1', at(1));
    r.git(['branch', 'prod']);
    r.write('0001-use-branches.md', body('Accepted', 'line a', 'line b'));
    const m1 = r.commit('Accept', at(2));
    r.git(['checkout', '-q', 'prod']);
    r.git(['merge', '--squash', '-q', 'main'], at(3));
    const p1 = r.commit('main -> prod', at(3), 'Release bot');
    r.git(['checkout', '-q', 'main']);
    r.write('0001-use-branches.md', body('Accepted', 'line a', 'line b, reworded'));
    const m2 = r.commit('Reword', at(4));
    r.git(['checkout', '-q', 'prod']);
    const prodMerge = r.merge('main', at(5));
    r.git(['checkout', '-q', 'main']);
    const merge = r.merge('prod', at(6));
    expect(r.simplifiedLog('0001-use-branches.md')).toEqual([m2, m1, m0]);

    const db = await openTemporalDb({ path: join(dir, 'prod-store') });
    await importAdrDirectory(db, r.adrs, { git: true });
    const history = await db.getSpecificationHistory('ADR-0001');
    expect(history.map((v) => [v.metadata.commit, iso(v.timestamp), v.author])).toEqual([
      [m0, at(1).replace('Z', '.000Z'), 'Ana'],
      [m1, at(2).replace('Z', '.000Z'), 'Ana'],
      [m2, at(4).replace('Z', '.000Z'), 'Ana'],
      [p1, at(6).replace('Z', '.000Z'), 'Release bot'],
      // prod's merge of main changed nothing of its own; main's merge of prod restores main's text after p1.
      [merge, at(6).replace('Z', '.000Z'), 'Ana'],
    ]);
    expect(history.map((v) => v.metadata.commit)).not.toContain(prodMerge);
    expect(history[4]!.content).toBe(r.read('0001-use-branches.md'));
    expect((await importAdrDirectory(db, r.adrs, { git: true })).stored).toBe(0);
    await db.close();
  });

  it('follows a rename on main into a branch\'s edit of the old path: one file, and as-of reads after the merge return the edit', async () => {
    const r = gitRepo('rename');
    r.write('0001-old-name.md', body('Proposed', 'line a'));
    const m0 = r.commit('Add ADR 1', at(1));
    r.git(['checkout', '-q', '-b', 'edit']);
    r.write('0001-old-name.md', body('Accepted', 'line a'));
    const e1 = r.commit('Accept under the old name', at(2), 'Bo');
    r.git(['checkout', '-q', 'main']);
    r.git(['mv', 'docs/adr/0001-old-name.md', 'docs/adr/0001-new-name.md']);
    const m1 = r.commit('Rename', at(3));
    // Imported once before the branch is merged: the branch is not part of HEAD's history yet.
    const db = await openTemporalDb({ path: join(dir, 'rename-store') });
    expect(await importAdrDirectory(db, r.adrs, { git: true })).toMatchObject({ files: 1, versions: 2, stored: 2 });
    const merge = r.merge('edit', at(5));
    expect(r.read('0001-new-name.md')).toBe(body('Accepted', 'line a'));
    r.write('0001-new-name.md', body('Accepted', 'line a', 'line b'));
    const m2 = r.commit('Edit after the merge', at(7));

    const result = await importAdrDirectory(db, r.adrs, { git: true });
    expect(result).toMatchObject({ files: 1, identifiers: ['ADR-0001'], versions: 5, stored: 3, skipped: 2 });
    const history = await db.getSpecificationHistory('ADR-0001');
    expect(history.map((v) => [v.metadata.commit, v.metadata.path, v.status, iso(v.timestamp)])).toEqual([
      [m0, 'docs/adr/0001-old-name.md', 'proposed', at(1).replace('Z', '.000Z')],
      [m1, 'docs/adr/0001-new-name.md', 'proposed', at(3).replace('Z', '.000Z')],
      [e1, 'docs/adr/0001-old-name.md', 'accepted', at(5).replace('Z', '.000Z')],
      // The merge puts the branch's text under the new name: a version of its own.
      [merge, 'docs/adr/0001-new-name.md', 'accepted', at(5).replace('Z', '.000Z')],
      [m2, 'docs/adr/0001-new-name.md', 'accepted', at(7).replace('Z', '.000Z')],
    ]);
    expect((await db.getSpecification('ADR-0001', { asOf: at(2) }))?.status).toBe('proposed');
    expect((await db.getSpecification('ADR-0001', { asOf: at(4) }))?.content).toBe(body('Proposed', 'line a'));
    expect((await db.getSpecification('ADR-0001', { asOf: at(5) }))?.content).toBe(body('Accepted', 'line a'));
    expect((await db.getSpecification('ADR-0001', { asOf: at(6) }))).toMatchObject({ status: 'accepted', metadata: { path: 'docs/adr/0001-new-name.md', commit: merge } });
    expect(await importAdrDirectory(db, r.adrs, { git: true })).toMatchObject({ stored: 0, skipped: 5 });
    await db.close();
  });

  it('gives a version for a merge\'s own change: a conflict resolved on main, or on a branch', async () => {
    const r = gitRepo('conflict');
    r.write('0001-use-branches.md', body('Proposed'));
    const m0 = r.commit('Add ADR 1', at(1));
    r.git(['checkout', '-q', '-b', 'b']);
    r.write('0001-use-branches.md', body('Accepted'));
    const b1 = r.commit('Accept', at(2));
    r.git(['checkout', '-q', 'main']);
    r.write('0001-use-branches.md', body('Rejected'));
    const m1 = r.commit('Reject', at(3));
    const resolved = r.merge('b', at(4), () => r.write('0001-use-branches.md', body('Deprecated')));
    // Phase two: the conflict is resolved on the branch, which main then merges cleanly.
    r.write('0002-second.md', nygard(2, 'Second', 'Proposed'));
    const m2 = r.commit('Add 2', at(5));
    r.git(['checkout', '-q', '-b', 'c']);
    r.write('0002-second.md', nygard(2, 'Second', 'Accepted'));
    const c1 = r.commit('Accept 2', at(6));
    r.git(['checkout', '-q', 'main']);
    r.write('0002-second.md', nygard(2, 'Second', 'Rejected'));
    const m3 = r.commit('Reject 2', at(7));
    r.git(['checkout', '-q', 'c']);
    const branchResolved = r.merge('main', at(8), () => r.write('0002-second.md', nygard(2, 'Second', 'Superseded')));
    r.git(['checkout', '-q', 'main']);
    const merge = r.merge('c', at(9));

    const db = await openTemporalDb({ path: join(dir, 'conflict-store') });
    await importAdrDirectory(db, r.adrs, { git: true });
    const one = await db.getSpecificationHistory('ADR-0001');
    expect(one.map((v) => [v.metadata.commit, v.status, iso(v.timestamp)])).toEqual([
      [m0, 'proposed', at(1).replace('Z', '.000Z')],
      [m1, 'rejected', at(3).replace('Z', '.000Z')],
      [b1, 'accepted', at(4).replace('Z', '.000Z')],
      [resolved, 'deprecated', at(4).replace('Z', '.000Z')],
    ]);
    const two = await db.getSpecificationHistory('ADR-0002');
    expect(two.map((v) => [v.metadata.commit, v.status, iso(v.timestamp), v.metadata.mergedIn])).toEqual([
      [m2, 'proposed', at(5).replace('Z', '.000Z'), undefined],
      [m3, 'rejected', at(7).replace('Z', '.000Z'), undefined],
      [c1, 'accepted', at(9).replace('Z', '.000Z'), merge],
      [branchResolved, 'superseded', at(9).replace('Z', '.000Z'), merge],
    ]);
    expect((await db.getSpecification('ADR-0002', { asOf: at(8) }))?.status).toBe('rejected');
    expect((await db.getSpecification('ADR-0002', { asOf: at(9) }))?.status).toBe('superseded');
    expect((await importAdrDirectory(db, r.adrs, { git: true })).stored).toBe(0);
    await db.close();
  });
});
