import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { STAGING_PREFIX, writeOutputFolder } from '../../../src/private/synth/output-folder';
import { parseRecord, RECORD_FILE, renderRecord, sha256 } from '../../../src/private/synth/output-record';
import { gitopsRepoRoot, pick, readFiles, snapshotTree, writeFiles } from '../../support/tree';

const OPTIONS = { libraryVersion: '9.9.9' };
const write = (dir: string, files: { [file: string]: string }) => writeOutputFolder(dir, files, OPTIONS);

let tmp: string;
let repo: string;

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'output-folder-')));
  repo = path.join(tmp, 'repo');
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The files synth owns according to the record in `dir` (path → sha256). */
function owned(dir: string): { [file: string]: string[] } {
  const record = parseRecord(fs.readFileSync(path.join(dir, RECORD_FILE), 'utf-8'), 'record');
  return Object.fromEntries([...record.files].map(([p, h]) => [p, [...h]]));
}

function ownedFolders(dir: string): string[] {
  return [...parseRecord(fs.readFileSync(path.join(dir, RECORD_FILE), 'utf-8'), 'record').folders].sort();
}

/** Writes a record into `dir` by hand (for records an earlier synth, or someone else, left). */
function plantRecord(dir: string, files: { [file: string]: string }, folders: string[] = []): void {
  fs.mkdirSync(dir, { recursive: true });
  const record = { files: new Map(Object.entries(files).map(([p, c]) => [p, [sha256(c)]])), folders: new Set(folders) };
  fs.writeFileSync(path.join(dir, RECORD_FILE), renderRecord(record, '0.0.1'));
}

describe('a new folder', () => {
  test('gets the files and the record, which lists each file with its sha256 and each folder it created', () => {
    // WHEN
    const result = write(repo, { 'shop.k8s.yaml': 'shop\n', 'shop/Service.shop.k8s.yaml': 'svc\n' });
    // THEN
    expect(readFiles(repo)).toEqual({ 'shop.k8s.yaml': 'shop\n', 'shop/Service.shop.k8s.yaml': 'svc\n', [RECORD_FILE]: expect.any(String) });
    expect(owned(repo)).toEqual({ 'shop.k8s.yaml': [sha256('shop\n')], 'shop/Service.shop.k8s.yaml': [sha256('svc\n')] });
    expect(ownedFolders(repo)).toEqual(['shop']);
    expect(fs.readFileSync(path.join(repo, RECORD_FILE), 'utf-8')).toMatch(/^# cdk8s-canary output record, format 1\. Written by cdk8s-canary 9\.9\.9 at every synth\.\n/);
    expect(result).toEqual({ written: ['shop.k8s.yaml', 'shop/Service.shop.k8s.yaml'], removed: [], warnings: [] });
    expect(fs.readdirSync(tmp)).toEqual(['repo']); // nothing next to it, no staging folder left
  });

  test("new folders (the output folder, its missing parents and chart folders) and files get the umask's mode, not mkdtemp's 0700", () => {
    const previous = process.umask(0o027);
    try {
      write(path.join(repo, 'apps', 'shop'), { 'a.k8s.yaml': 'a\n', 'chart/b.k8s.yaml': 'b\n' });
    } finally {
      process.umask(previous);
    }
    const mode = (rel: string) => fs.statSync(path.join(repo, rel)).mode % 0o1000; // the permission bits
    expect([mode(''), mode('apps'), mode('apps/shop'), mode('apps/shop/chart')]).toEqual([0o750, 0o750, 0o750, 0o750]);
    expect([mode('apps/shop/a.k8s.yaml'), mode('apps/shop/chart/b.k8s.yaml'), mode(`apps/shop/${RECORD_FILE}`)]).toEqual([0o640, 0o640, 0o640]);
  });
});

describe('a folder shared with the user', () => {
  test('a GitOps repository root (.git/, README, kustomization.yaml, another team\'s folder) stays byte-identical across synths', () => {
    // GIVEN
    const users = gitopsRepoRoot(repo);
    const tops = [...new Set(users.map(u => u.split('/')[0]))];
    const before = pick(snapshotTree(repo), tops);
    // WHEN three synths: create, change and remove, then the same again
    write(repo, { 'shop.k8s.yaml': 'v1\n', 'cart.k8s.yaml': 'cart\n', 'shop.plan.md': 'plan\n' });
    write(repo, { 'shop.k8s.yaml': 'v2\n', 'shop.plan.md': 'plan\n' });
    write(repo, { 'shop.k8s.yaml': 'v2\n', 'shop.plan.md': 'plan\n' });
    // THEN
    expect(pick(snapshotTree(repo), tops)).toEqual(before);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['.git/HEAD', '.git/objects/ab/cdef', 'README.md', 'kustomization.yaml', 'payments/README.md']));
    expect(fs.readdirSync(repo).sort()).toEqual(['.git', 'README.md', RECORD_FILE, 'kustomization.yaml', 'payments', 'shop.k8s.yaml', 'shop.plan.md']);
    expect(fs.readFileSync(path.join(repo, 'shop.k8s.yaml'), 'utf-8')).toEqual('v2\n');
  });

  test('files and folders an earlier synth wrote and this one no longer produces are removed', () => {
    // GIVEN
    write(repo, { 'cart.k8s.yaml': 'cart\n', 'cart.plan.md': 'plan\n', 'cart/Service.cart.k8s.yaml': 'svc\n', 'cart/v1/x.yaml': 'x\n', 'shop.k8s.yaml': 'shop\n' });
    expect(ownedFolders(repo)).toEqual(['cart', 'cart/v1']);
    // WHEN
    const result = write(repo, { 'shop.k8s.yaml': 'shop\n' });
    // THEN
    expect(result).toEqual({ written: [], removed: ['cart.k8s.yaml', 'cart.plan.md', 'cart/Service.cart.k8s.yaml', 'cart/v1/x.yaml'], warnings: [] });
    expect(fs.readdirSync(repo).sort()).toEqual([RECORD_FILE, 'shop.k8s.yaml']);
    expect(owned(repo)).toEqual({ 'shop.k8s.yaml': [sha256('shop\n')] });
    expect(ownedFolders(repo)).toEqual([]);
  });

  test('warns if a folder it created and no longer uses holds a file of the user, and leaves it (no longer owned)', () => {
    // GIVEN
    write(repo, { 'cart/Service.cart.k8s.yaml': 'svc\n' });
    fs.writeFileSync(path.join(repo, 'cart', 'NOTES.md'), 'mine\n');
    // WHEN
    const result = write(repo, { 'shop.k8s.yaml': 'shop\n' });
    // THEN
    expect(readFiles(path.join(repo, 'cart'))).toEqual({ 'NOTES.md': 'mine\n' });
    expect(ownedFolders(repo)).toEqual([]);
    expect(result.warnings).toEqual([`warning: output folder "${repo}": "cart/" was created by synth, which no longer uses it, but it holds files synth did not write (cart/NOTES.md): synth left it and no longer owns it.`]);
  });

  test('writes into a folder of the user without owning it (it is never removed)', () => {
    // GIVEN
    writeFiles(repo, { 'cart/NOTES.md': 'mine\n' });
    // WHEN
    write(repo, { 'cart/Service.cart.k8s.yaml': 'svc\n' });
    write(repo, {});
    // THEN
    expect(readFiles(path.join(repo, 'cart'))).toEqual({ 'NOTES.md': 'mine\n' });
    expect(ownedFolders(repo)).toEqual([]);
  });

  test('a synth with nothing to change touches nothing: not the files, not the record, not the folder', () => {
    // GIVEN
    gitopsRepoRoot(repo);
    write(repo, { 'shop.k8s.yaml': 'shop\n', 'shop/Service.shop.k8s.yaml': 'svc\n' });
    const old = new Date('2021-06-01T00:00:00Z');
    for (const rel of ['', 'shop', 'shop.k8s.yaml', 'shop/Service.shop.k8s.yaml', RECORD_FILE]) fs.utimesSync(path.join(repo, rel), old, old);
    const before = snapshotTree(repo);
    const folderMtime = fs.statSync(repo).mtimeMs;
    // WHEN
    const result = write(repo, { 'shop.k8s.yaml': 'shop\n', 'shop/Service.shop.k8s.yaml': 'svc\n' });
    // THEN
    expect(result).toEqual({ written: [], removed: [], warnings: [] });
    expect(snapshotTree(repo)).toEqual(before);
    expect(fs.statSync(repo).mtimeMs).toEqual(folderMtime);
  });

  test('an unchanged file keeps its modification time when others change', () => {
    write(repo, { 'a.k8s.yaml': 'a\n', 'b.k8s.yaml': 'b\n' });
    const old = new Date('2021-06-01T00:00:00Z');
    fs.utimesSync(path.join(repo, 'a.k8s.yaml'), old, old);
    const result = write(repo, { 'a.k8s.yaml': 'a\n', 'b.k8s.yaml': 'b2\n' });
    expect(result.written).toEqual(['b.k8s.yaml']);
    expect(fs.statSync(path.join(repo, 'a.k8s.yaml')).mtime).toEqual(old);
  });
});

describe('files synth did not write', () => {
  test('a file that already has the content synth would write is adopted (recorded, not rewritten)', () => {
    // GIVEN a folder with a matching file and no record (for example the output of the previous library version)
    writeFiles(repo, { 'shop.k8s.yaml': 'shop\n' });
    const old = new Date('2021-06-01T00:00:00Z');
    fs.utimesSync(path.join(repo, 'shop.k8s.yaml'), old, old);
    // WHEN
    const result = write(repo, { 'shop.k8s.yaml': 'shop\n' });
    // THEN
    expect(result).toEqual({ written: [], removed: [], warnings: [] });
    expect(owned(repo)).toEqual({ 'shop.k8s.yaml': [sha256('shop\n')] });
    expect(fs.statSync(path.join(repo, 'shop.k8s.yaml')).mtime).toEqual(old);
  });

  test('fails if a file to write exists with other content and is not in the record, and changes nothing', () => {
    // GIVEN a record of an earlier synth, and a file of the user where synth now wants to write
    gitopsRepoRoot(repo);
    write(repo, { 'shop.k8s.yaml': 'shop\n' });
    writeFiles(repo, { 'cart.k8s.yaml': 'the user\'s cart\n' });
    const before = snapshotTree(repo);
    // THEN
    expect(() => write(repo, { 'shop.k8s.yaml': 'shop v2\n', 'cart.k8s.yaml': 'cart\n', 'kustomization.yaml': 'x' })).toThrow(
      `Synth did not change the output folder "${repo}": 2 problems must be fixed first:\n`
      + `  "cart.k8s.yaml": the file exists with other content, and synth has no record of writing it (it is not listed in ${RECORD_FILE}): it is `
      + 'someone else\'s file, and synth never overwrites a file it did not write. Fix: rename or move the file, or give the chart or object that '
      + 'renders "cart.k8s.yaml" another name, or write to another folder (outdir / CDK8S_OUTDIR).\n'
      + '  "kustomization.yaml": the file exists with other content');
    expect(snapshotTree(repo)).toEqual(before);
  });

  test('fails if the folder has no record yet and holds other content where synth writes, naming the one-time migration', () => {
    // GIVEN the output of the previous library version (it replaced the folder and kept no record)
    writeFiles(repo, { 'shop.k8s.yaml': 'old output\n', 'shop.plan.md': 'old plan\n' });
    const before = snapshotTree(repo);
    // THEN
    expect(() => write(repo, { 'shop.k8s.yaml': 'new output\n', 'shop.plan.md': 'old plan\n' })).toThrow(
      `Synth did not change the output folder "${repo}": a problem must be fixed first:\n`
      + `  "shop.k8s.yaml": the file exists with other content, and synth has no record of writing it (it is not listed in ${RECORD_FILE}, which `
      + 'does not exist yet): it is someone else\'s file, and synth never overwrites a file it did not write. Fix: rename or move the file, or give '
      + 'the chart or object that renders "shop.k8s.yaml" another name, or write to another folder (outdir / CDK8S_OUTDIR). If the folder holds '
      + 'the output of an earlier version of cdk8s-canary (which replaced the whole folder and kept no record), migrate once: delete the files it '
      + `generated (for example git rm "shop.k8s.yaml"), synthesize again, and commit ${RECORD_FILE} with the manifests.`);
    expect(snapshotTree(repo)).toEqual(before);
    // WHEN the migration is done as the message says
    fs.rmSync(path.join(repo, 'shop.k8s.yaml'));
    write(repo, { 'shop.k8s.yaml': 'new output\n', 'shop.plan.md': 'old plan\n' });
    // THEN both files are synth's from now on (the identical plan was adopted)
    expect(Object.keys(owned(repo)).sort()).toEqual(['shop.k8s.yaml', 'shop.plan.md']);
    expect(readFiles(repo)['shop.k8s.yaml']).toEqual('new output\n');
  });

  test('warns if the folder has no record yet and holds files that look like the output of an earlier synth, and leaves them', () => {
    // GIVEN the previous library version's output with a chart that was removed since
    writeFiles(repo, { 'shop.k8s.yaml': 'shop\n', 'removed.k8s.yaml': 'stale\n', 'removed.plan.md': 'stale\n', 'README.md': 'mine\n' });
    // WHEN
    const result = write(repo, { 'shop.k8s.yaml': 'shop\n', 'shop.plan.md': 'plan\n' });
    // THEN
    expect(result.warnings).toEqual([`warning: output folder "${repo}": there is no ${RECORD_FILE} in it yet, and it holds "removed.k8s.yaml", `
      + '"removed.plan.md", which look like the output of an earlier synth (the same name suffix as the files synth writes), but synth has no '
      + 'record of writing them, so it leaves them. If they are stale (a chart you removed), delete them: Argo CD still deploys them.']);
    expect(readFiles(repo)['removed.k8s.yaml']).toEqual('stale\n');
    // and once there is a record, no more warning
    expect(write(repo, { 'shop.k8s.yaml': 'shop\n', 'shop.plan.md': 'plan\n' }).warnings).toEqual([]);
  });
});

describe('files edited since the last synth', () => {
  test('warns if it overwrites a file edited since the last synth (an image updater commit), saying what was lost', () => {
    // GIVEN
    write(repo, { 'shop.k8s.yaml': 'kind: Rollout\n  image: shop:1.4.2\n  replicas: 2\n' });
    fs.writeFileSync(path.join(repo, 'shop.k8s.yaml'), 'kind: Rollout\n  image: shop:1.4.3\n  replicas: 2\n');
    // WHEN
    const result = write(repo, { 'shop.k8s.yaml': 'kind: Rollout\n  image: shop:1.4.2\n  replicas: 3\n' });
    // THEN
    expect(result.warnings).toEqual([`warning: output folder "${repo}": "shop.k8s.yaml" was edited since the last synth (its sha256 is not the one `
      + `in ${RECORD_FILE}); synth overwrote it with the generated content (lost lines: "image: shop:1.4.3", "replicas: 2"). Make the change in the `
      + 'program (for example the image tag), or every synth undoes it; the edited version is in git if it was committed.']);
    expect(readFiles(repo)['shop.k8s.yaml']).toEqual('kind: Rollout\n  image: shop:1.4.2\n  replicas: 3\n');
  });

  test('warns if it removes a file edited since the last synth', () => {
    write(repo, { 'cart.k8s.yaml': 'image: cart:1\n' });
    fs.writeFileSync(path.join(repo, 'cart.k8s.yaml'), 'image: cart:2\n');
    const result = write(repo, {});
    expect(result.warnings).toEqual([expect.stringContaining('"cart.k8s.yaml" was edited since the last synth (its sha256 is not the one in '
      + `${RECORD_FILE}); synth no longer produces it and removed it (lost lines: "image: cart:2").`)]);
    expect(fs.existsSync(path.join(repo, 'cart.k8s.yaml'))).toBe(false);
  });

  test('an edited file that already has the new content is not reported (nothing is lost)', () => {
    write(repo, { 'shop.k8s.yaml': 'v1\n' });
    fs.writeFileSync(path.join(repo, 'shop.k8s.yaml'), 'v2\n');
    expect(write(repo, { 'shop.k8s.yaml': 'v2\n' })).toEqual({ written: [], removed: [], warnings: [] });
    expect(owned(repo)).toEqual({ 'shop.k8s.yaml': [sha256('v2\n')] });
  });
});

describe('the record', () => {
  test.each([
    ['../outside.yaml', "which contains '..' and may point outside the folder"],
    ['/etc/hostname', 'which is an absolute path, outside the folder'],
  ])('fails if the record lists %j, and never follows it', (entry, reason) => {
    // GIVEN a file outside the folder, and a record that claims it
    writeFiles(tmp, { 'outside.yaml': 'not synth\'s\n' });
    fs.mkdirSync(repo);
    fs.writeFileSync(path.join(repo, RECORD_FILE), `${renderRecord({ files: new Map(), folders: new Set() }, '9.9.9')}${sha256('not synth\'s\n')}  ${entry}\n`);
    const before = snapshotTree(tmp);
    // THEN
    expect(() => write(repo, { 'shop.k8s.yaml': 'shop\n' })).toThrow(`${path.join(repo, RECORD_FILE)} line 6 lists "${entry}", ${reason}; synth never follows such an entry`);
    expect(snapshotTree(tmp)).toEqual(before);
  });

  test('fails if the record lists a file that is now a folder, and removes nothing', () => {
    plantRecord(repo, { shop: 'x' });
    writeFiles(repo, { 'shop/mine.txt': 'mine\n' });
    const before = snapshotTree(repo);
    expect(() => write(repo, {})).toThrow(`Synth did not change the output folder "${repo}": a problem must be fixed first:\n  "shop": the record lists it as a `
      + 'file synth wrote and no longer produces, but it is now a folder; synth never deletes or follows it. Fix: move it away yourself (or replace '
      + 'the link with a real folder), or restore it from git.');
    expect(snapshotTree(repo)).toEqual(before);
  });

  test('fails if the record lists a file behind a symbolic link, and never follows the link', () => {
    // GIVEN another team's file, reachable through a link in the folder, listed in the record
    writeFiles(tmp, { 'payments/payments.k8s.yaml': 'payments\n' });
    plantRecord(repo, { 'pay/payments.k8s.yaml': 'payments\n' });
    fs.symlinkSync(path.join(tmp, 'payments'), path.join(repo, 'pay'));
    const before = snapshotTree(tmp);
    // THEN
    expect(() => write(repo, {})).toThrow('"pay/payments.k8s.yaml": the record lists it as a file synth wrote and no longer produces, but "pay" on its path is '
      + 'now a symbolic link; synth never deletes or follows it.');
    expect(snapshotTree(tmp)).toEqual(before);
  });

  test('fails if the record lists a folder that is now a symbolic link', () => {
    writeFiles(tmp, { 'elsewhere/x': 'x' });
    plantRecord(repo, {}, ['charts']);
    fs.symlinkSync(path.join(tmp, 'elsewhere'), path.join(repo, 'charts'));
    const before = snapshotTree(tmp);
    expect(() => write(repo, {})).toThrow('"charts/": the record lists it as a folder synth created and no longer uses, but it is now a symbolic link; '
      + 'synth never deletes or follows it. Fix: move it away yourself, or restore it from git.');
    expect(snapshotTree(tmp)).toEqual(before);
  });

  test('fails if the record is a symbolic link', () => {
    writeFiles(tmp, { 'elsewhere.txt': 'x' });
    fs.mkdirSync(repo);
    fs.symlinkSync(path.join(tmp, 'elsewhere.txt'), path.join(repo, RECORD_FILE));
    expect(() => write(repo, {})).toThrow(`${path.join(repo, RECORD_FILE)} is a symbolic link, not a regular file: synth reads its ownership record only `
      + `from a regular file and never follows a link. Fix: replace it with the record from git (git checkout -- ${path.join(repo, RECORD_FILE)}), or remove it.`);
  });

  test('fails if the record is damaged, and changes nothing', () => {
    write(repo, { 'shop.k8s.yaml': 'shop\n' });
    fs.appendFileSync(path.join(repo, RECORD_FILE), 'edited by hand\n');
    const before = snapshotTree(repo);
    expect(() => write(repo, {})).toThrow(/ line 7 \("edited by hand"\) is neither "<sha256>  <file>" nor "folder  <folder>\/"/);
    expect(snapshotTree(repo)).toEqual(before);
  });
});

describe('what is on the path', () => {
  test('fails if a file to write is a folder or a symbolic link', () => {
    writeFiles(tmp, { 'target.yaml': 'target\n' });
    writeFiles(repo, { 'shop.k8s.yaml/x': 'x' });
    fs.symlinkSync(path.join(tmp, 'target.yaml'), path.join(repo, 'cart.k8s.yaml'));
    const before = snapshotTree(tmp);
    expect(() => write(repo, { 'shop.k8s.yaml': 'shop\n', 'cart.k8s.yaml': 'cart\n' })).toThrow(
      `Synth did not change the output folder "${repo}": 2 problems must be fixed first:\n`
      + '  "shop.k8s.yaml": synth must write this file, but it is a folder. Synth never replaces a folder or a special file, nor writes through a '
      + 'link. Fix: move it away, or write to another folder (outdir / CDK8S_OUTDIR).\n'
      + '  "cart.k8s.yaml": synth must write this file, but it is a symbolic link.');
    expect(snapshotTree(tmp)).toEqual(before);
  });

  test('fails if a folder to create is a file or a symbolic link', () => {
    writeFiles(tmp, { 'elsewhere/keep': 'keep' });
    writeFiles(repo, { shop: 'a file' });
    fs.symlinkSync(path.join(tmp, 'elsewhere'), path.join(repo, 'cart'));
    const before = snapshotTree(tmp);
    expect(() => write(repo, { 'shop/Service.shop.k8s.yaml': 's', 'shop/Rollout.shop.k8s.yaml': 'r', 'cart/Service.cart.k8s.yaml': 'c' })).toThrow(
      `Synth did not change the output folder "${repo}": 2 problems must be fixed first:\n`
      + '  "cart": synth must create the folder "cart/", but "cart" is a symbolic link. Synth only writes into real folders: it never replaces a '
      + 'file or writes through a link inside the output folder. Fix: move it away (or replace the link with a real folder), or write to another '
      + 'folder (outdir / CDK8S_OUTDIR).\n'
      + '  "shop": synth must create the folder "shop/", but "shop" is a file.');
    expect(snapshotTree(tmp)).toEqual(before);
  });

  test.each([
    ['../escape.yaml', "\"../escape.yaml\", which contains '..' and may point outside the folder"],
    [RECORD_FILE, `"${RECORD_FILE}", which is the record itself`],
    [`${STAGING_PREFIX}x`, `"${STAGING_PREFIX}x", which starts with "${STAGING_PREFIX}", the name of synth's staging folder`],
  ])('fails if synth renders the unsafe path %j', (file, problem) => {
    expect(() => write(repo, { [file]: 'x' })).toThrow(`Synth rendered output paths that cannot be written safely: ${problem}. `
      + 'Fix: change the chart ids, object names or outputFileExtension that produce them.');
    expect(fs.existsSync(repo)).toBe(false);
  });

  test('fails if synth renders one path as a file and as a folder', () => {
    expect(() => write(repo, { 'shop': 'x', 'shop/a.yaml': 'y' })).toThrow('"shop", which would be both a file and a folder');
  });
});

describe('where the output folder is', () => {
  test('a symbolic link to a folder is written through, and stays a link', () => {
    // GIVEN
    writeFiles(tmp, { 'real/README.md': 'mine\n' });
    fs.symlinkSync('real', repo);
    // WHEN
    write(repo, { 'shop.k8s.yaml': 'v1\n', 'cart.k8s.yaml': 'cart\n' });
    write(repo, { 'shop.k8s.yaml': 'v2\n' });
    // THEN
    expect(fs.lstatSync(repo).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(repo)).toEqual('real');
    expect(readFiles(path.join(tmp, 'real'))).toEqual({ 'README.md': 'mine\n', 'shop.k8s.yaml': 'v2\n', [RECORD_FILE]: expect.any(String) });
    expect(fs.readdirSync(tmp).sort()).toEqual(['real', 'repo']);
  });

  test('fails if the output folder is a link to nothing', () => {
    fs.symlinkSync('missing', repo);
    expect(() => write(repo, { 'a.yaml': 'a' })).toThrow(`The output folder "${repo}" is a symbolic link to "missing", which does not exist. `
      + 'Synth writes through a link to a folder, but does not create its target. Fix: create the folder the link points to, or fix the link.');
    expect(fs.readdirSync(tmp)).toEqual(['repo']);
  });

  test('fails if the output folder is a file', () => {
    fs.writeFileSync(repo, 'a file');
    expect(() => write(repo, { 'a.yaml': 'a' })).toThrow(`The output folder "${repo}" is a file, not a folder. Fix: set outdir (or CDK8S_OUTDIR) to a folder, or move the file away.`);
    expect(fs.readFileSync(repo, 'utf-8')).toEqual('a file');
  });

  test('"." (the working folder, here a repository root) works and deletes nothing of the user', () => {
    // GIVEN
    const users = gitopsRepoRoot(repo);
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      const before = pick(snapshotTree('.'), [...new Set(users.map(u => u.split('/')[0]))]);
      // WHEN
      write('.', { 'shop.k8s.yaml': 'shop\n', 'cart.k8s.yaml': 'cart\n' });
      write('.', { 'shop.k8s.yaml': 'shop v2\n' });
      // THEN
      expect(pick(snapshotTree('.'), Object.keys(before).map(r => r.split('/')[0]))).toEqual(before);
      expect(readFiles('.')['shop.k8s.yaml']).toEqual('shop v2\n');
      expect(fs.existsSync('cart.k8s.yaml')).toBe(false);
      expect(() => write('.', { 'README.md': 'x' })).toThrow(/^Synth did not change the output folder "\.": a problem must be fixed first:\n {2}"README\.md": the file exists/);
    } finally {
      process.chdir(cwd);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Failures part-way: every file system call that changes something is made to fail in turn.

const MUTATORS = ['mkdtempSync', 'writeFileSync', 'renameSync', 'linkSync', 'mkdirSync', 'rmdirSync', 'unlinkSync', 'rmSync'] as const;
type Mutator = typeof MUTATORS[number];

/**
 * Counts the calls of the file system functions that change something while `fn` runs; `failAt` makes the n-th
 * call of one of them fail with EIO, and with `crash`, every later call too (as if the process had died there).
 */
interface FsRun<T> {
  readonly result?: T;
  readonly error?: Error;
  readonly calls: { [name: string]: number };
}

function withFs<T>(fn: () => T, failAt?: { name: Mutator; n: number; crash?: boolean }): FsRun<T> {
  const nodeFs = jest.requireActual<any>('fs'); // the module object the writer's `fs` reads through
  const calls: { [name: string]: number } = {};
  let dead = false;
  const spies = MUTATORS.map(name => {
    const real = nodeFs[name];
    return jest.spyOn(nodeFs, name).mockImplementation((...args: any[]) => {
      if (dead) throw new Error(`simulated crash: ${name} after the process died`);
      calls[name] = (calls[name] ?? 0) + 1;
      if (failAt && failAt.name === name && calls[name] === failAt.n) {
        dead = failAt.crash ?? false;
        throw Object.assign(new Error(`EIO: simulated failure of ${name} #${failAt.n}`), { code: 'EIO' });
      }
      return real.apply(nodeFs, args);
    });
  });
  try {
    return { result: fn(), calls };
  } catch (e) {
    return { error: e as Error, calls };
  } finally {
    spies.forEach(s => s.mockRestore());
  }
}

/** A folder with the user's files and an earlier synth's output, and a next synth that changes every kind of thing. */
function changeEverything() {
  gitopsRepoRoot(repo);
  write(repo, { 'a.k8s.yaml': 'a1\n', 'b.k8s.yaml': 'b\n', 'c.k8s.yaml': 'c\n', 'x/f.k8s.yaml': 'f\n' });
  // whole seconds, which utimes restores exactly (it takes microseconds; file systems keep nanoseconds)
  const time = new Date('2021-06-01T00:00:00Z');
  for (const rel of ['x/f.k8s.yaml', 'x', 'a.k8s.yaml', 'b.k8s.yaml', 'c.k8s.yaml', RECORD_FILE, '']) fs.utimesSync(path.join(repo, rel), time, time);
  const next = { 'a.k8s.yaml': 'a2\n', 'b.k8s.yaml': 'b\n', 'd.k8s.yaml': 'd\n', 'y/g.k8s.yaml': 'g\n' };
  return { before: snapshotTree(repo), next };
}

describe('all or nothing', () => {
  const { calls } = (() => {
    // how many calls of each kind the synth of changeEverything() makes (measured once, in its own folder)
    const saved = repo;
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'output-folder-count-')));
    repo = path.join(tmp, 'repo');
    try {
      const { next } = changeEverything();
      return withFs(() => write(repo, next));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
      repo = saved;
    }
  })();
  const cases = MUTATORS.flatMap(name => Array.from({ length: calls[name] ?? 0 }, (_, i) => [name, i + 1] as [Mutator, number]));

  test('the synth measured makes every kind of change', () => {
    // rmSync (the staging folder's removal) calls rmdirSync itself: the second rmdirSync
    expect(calls).toEqual({ mkdtempSync: 1, writeFileSync: 6, renameSync: 7, linkSync: 2, mkdirSync: 1, rmdirSync: 2, rmSync: 1 });
  });

  test('fails if any change fails part-way (an I/O error), leaving the folder byte-identical; or completes, when every file is already in place', () => {
    const outcomes: { [call: string]: string } = {};
    for (const [name, n] of cases) {
      // GIVEN
      fs.rmSync(repo, { recursive: true, force: true });
      const { before, next } = changeEverything();
      const rootTime = fs.statSync(repo).mtimeMs;
      // WHEN
      const { error, result } = withFs(() => write(repo, next), { name, n });
      // THEN
      if (error) {
        expect(error.message).toEqual(`Synth could not write the output folder "${repo}" (EIO: simulated failure of ${name} #${n}); it put everything back, nothing changed.`);
        expect(snapshotTree(repo)).toEqual(before);
        expect(fs.statSync(repo).mtimeMs).toEqual(rootTime);
        outcomes[`${name} ${n}`] = 'failed, nothing changed';
      } else {
        const files = readFiles(repo);
        expect(Object.fromEntries(Object.keys(next).map(f => [f, files[f]]))).toEqual(next);
        expect(files['c.k8s.yaml']).toBeUndefined();
        expect(owned(repo)).toEqual(Object.fromEntries(Object.entries(next).map(([f, c]) => [f, [sha256(c)]])));
        outcomes[`${name} ${n}`] = `completed${result!.warnings.length > 0 ? ', warned' : ''}`;
      }
      expect(fs.readdirSync(repo).filter(e => e.startsWith(STAGING_PREFIX)).length).toBe(outcomes[`${name} ${n}`] === 'completed, warned' ? 1 : 0);
    }
    expect(outcomes).toEqual({
      ...Object.fromEntries(cases.map(([name, n]) => [`${name} ${n}`, 'failed, nothing changed'])),
      'linkSync 1': 'completed', // the backup is copied instead (file systems without hard links)
      'linkSync 2': 'completed',
      'rmdirSync 2': 'completed, warned', // inside the staging folder's removal, after every file is in place
      'rmSync 1': 'completed, warned',
    });
  });

  test('fails if a rename fails on a file system without hard links, and restores the copies with their mode and modification time', () => {
    // GIVEN
    const { before, next } = changeEverything();
    fs.chmodSync(path.join(repo, 'a.k8s.yaml'), 0o600);
    const withMode = snapshotTree(repo);
    const nodeFs = jest.requireActual<any>('fs');
    const noLinks = jest.spyOn(nodeFs, 'linkSync').mockImplementation(() => {
      throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
    });
    try {
      // WHEN the rename of the changed file fails (after the record's)
      const { error } = withFs(() => write(repo, next), { name: 'renameSync', n: 3 });
      // THEN
      expect(error?.message).toMatch(/^Synth could not write the output folder .*it put everything back, nothing changed\.$/);
    } finally {
      noLinks.mockRestore();
    }
    expect(snapshotTree(repo)).toEqual(withMode);
    expect(Object.keys(withMode)).toEqual(Object.keys(before));
  });

  test('warns if it cannot remove its staging folder after writing every file', () => {
    const { next } = changeEverything();
    const { result } = withFs(() => write(repo, next), { name: 'rmSync', n: 1 });
    expect(result!.warnings).toEqual([expect.stringMatching(new RegExp(`^warning: output folder "${repo}": synth wrote every file, but could not remove its `
      + `staging folder ".*/${STAGING_PREFIX}\\w+" \\(EIO: simulated failure of rmSync #1\\); git ignores it\\. Delete it\\.$`))]);
  });

  test('fails if creating a new output folder fails part-way, and leaves no folder behind', () => {
    const { error } = withFs(() => write(path.join(repo, 'apps', 'shop'), { 'a.yaml': 'a' }), { name: 'renameSync', n: 2 });
    expect(error?.message).toMatch(/it put everything back, nothing changed\.$/);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  test.each(Array.from({ length: 7 }, (_, i) => i + 1))(
    'a process that dies at rename %d leaves only git-ignored staging files; the next synth finishes the job and reports them', (n) => {
      // GIVEN a git repository with the earlier output committed
      const { next } = changeEverything();
      fs.rmSync(path.join(repo, '.git'), { recursive: true });
      git(['init', '-q']);
      git(['add', '-A']);
      git(['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'earlier synth']);
      // WHEN the process dies at the n-th rename (every later change fails too, so nothing is undone)
      const { error } = withFs(() => write(repo, next), { name: 'renameSync', n, crash: true });
      // THEN the error says where the previous versions are, and git sees no staging file
      expect(error?.message).toMatch(new RegExp(`could not undo every change: .*The previous versions of the files are in ".*/${STAGING_PREFIX}\\w+" \\(git ignores it\\)`));
      expect(git(['status', '--porcelain', '--untracked-files=all']).split('\n').filter(l => l.includes(STAGING_PREFIX))).toEqual([]);
      // WHEN the next synth runs
      const result = write(repo, next);
      // THEN every file is right, nothing of the user's changed, and the leftover is reported
      const files = readFiles(repo);
      expect(Object.fromEntries(Object.entries(files).filter(([f]) => f.endsWith('.k8s.yaml') && !f.startsWith('payments/')))).toEqual(next);
      expect(owned(repo)).toEqual(Object.fromEntries(Object.entries(next).map(([f, c]) => [f, [sha256(c)]])));
      expect(files['README.md']).toEqual('# GitOps repository\n');
      expect(result.warnings).toEqual([expect.stringMatching(new RegExp(`"${STAGING_PREFIX}\\w+" is left over from an interrupted synth .*git ignores it\\)\\. `
        + 'Delete it once no synth is running: rm -rf ".*"$'))]);
    });
});

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf-8' });
}
