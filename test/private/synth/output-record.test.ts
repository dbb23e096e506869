import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OutputRecord, parseRecord, RECORD_FILE, renderRecord, sha256, unionRecord, unsafePathReason } from '../../../src/private/synth/output-record';

const A = sha256('a\n');
const B = sha256('b\n');

function record(files: { [p: string]: string[] }, folders: string[] = []): OutputRecord {
  return { files: new Map(Object.entries(files)), folders: new Set(folders) };
}

describe('renderRecord', () => {
  test('a commented header, then the files and folders sorted by path in code-unit order', () => {
    // WHEN
    const text = renderRecord(record({ 'b.k8s.yaml': [B], 'Z.k8s.yaml': [A], 'shop/Service.shop.k8s.yaml': [A] }, ['shop']), '1.2.3');
    // THEN
    const lines = text.split('\n');
    expect(lines[0]).toEqual('# cdk8s-canary output record, format 1. Written by cdk8s-canary 1.2.3 at every synth.');
    expect(lines.filter(l => !l.startsWith('#'))).toEqual([
      `${A}  Z.k8s.yaml`,
      `${B}  b.k8s.yaml`,
      'folder  shop/',
      `${A}  shop/Service.shop.k8s.yaml`,
      '',
    ]);
    expect(text).toMatchSnapshot();
  });

  test('docs/gitops-layout.md shows the header renderRecord writes', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'gitops-layout.md'), 'utf-8');
    const header = renderRecord(record({}), '0.0.0').trimEnd();
    expect(doc).toContain(`\`\`\`text\n${header}\n`);
  });

  test('the same record gives the same bytes, whatever the insertion order', () => {
    const one = renderRecord(record({ 'a.yaml': [A], 'b.yaml': [B] }, ['x', 'y']), '1.0.0');
    const two = renderRecord(record({ 'b.yaml': [B], 'a.yaml': [A] }, ['y', 'x']), '1.0.0');
    expect(two).toEqual(one);
  });

  test('the files can be checked with sha256sum as the header says', () => {
    // GIVEN a folder with the files and their record
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'output-record-'));
    try {
      fs.mkdirSync(path.join(dir, 'shop'));
      fs.writeFileSync(path.join(dir, 'a.yaml'), 'a\n');
      fs.writeFileSync(path.join(dir, 'shop', 'b.yaml'), 'b\n');
      fs.writeFileSync(path.join(dir, RECORD_FILE), renderRecord(record({ 'a.yaml': [A], 'shop/b.yaml': [B] }, ['shop']), '1.0.0'));
      // WHEN
      const out = execFileSync('bash', ['-c', `grep -E '^[0-9a-f]{64}  ' ${RECORD_FILE} | sha256sum -c`], { cwd: dir, encoding: 'utf-8' });
      // THEN
      expect(out).toEqual('a.yaml: OK\nshop/b.yaml: OK\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseRecord', () => {
  test('reads back what renderRecord writes', () => {
    const original = record({ 'a.yaml': [A], 'shop/b.yaml': [B] }, ['shop']);
    const parsed = parseRecord(renderRecord(original, '1.0.0'), 'out/record');
    expect(parsed).toEqual(original);
  });

  test('a path listed with two hashes (the record written while files move) has both', () => {
    const both = unionRecord(record({ 'a.yaml': [A], 'gone.yaml': [A] }, ['old']), record({ 'a.yaml': [B], 'new.yaml': [B] }, ['new']));
    const parsed = parseRecord(renderRecord(both, '1.0.0'), 'out/record');
    expect(parsed.files.get('a.yaml')!.slice().sort()).toEqual([A, B].sort());
    expect([...parsed.files.keys()].sort()).toEqual(['a.yaml', 'gone.yaml', 'new.yaml']);
    expect([...parsed.folders].sort()).toEqual(['new', 'old']);
  });

  test('fails if the file is not a record', () => {
    expect(() => parseRecord('hello\n', 'out/cdk8s-canary.owned.txt')).toThrow(
      /^out\/cdk8s-canary\.owned\.txt is not a cdk8s-canary output record: its first line is "hello", expected it to start with "# cdk8s-canary output record, format "\. The record is written by synth only: restore it from git \(git checkout -- out\/cdk8s-canary\.owned\.txt\), or delete it/);
  });

  test('fails if the record has another format', () => {
    expect(() => parseRecord('# cdk8s-canary output record, format 2. Written by cdk8s-canary 9.0.0\n', 'r')).toThrow(
      /^r has record format 2, and this version of cdk8s-canary reads format 1 only: it was written by another version of the library\. Fix: synthesize with the version that wrote it \(see its first line\), or upgrade cdk8s-canary\.$/);
  });

  test('fails if a line is neither a file nor a folder', () => {
    const text = `${renderRecord(record({ 'a.yaml': [A] }), '1.0.0')}a.yaml\n`;
    expect(() => parseRecord(text, 'r')).toThrow(/^r line 7 \("a\.yaml"\) is neither "<sha256>  <file>" nor "folder  <folder>\/"\. The record is written by synth only/);
  });

  test.each([
    ['../other-team/payments.k8s.yaml', "which contains '..' and may point outside the folder"],
    ['shop/../../x', "which contains '..' and may point outside the folder"],
    ['/etc/passwd', 'which is an absolute path, outside the folder'],
    ['.', "which has an empty or '.' segment (it names the folder itself or is not normalized)"],
    ['shop//x', "which has an empty or '.' segment (it names the folder itself or is not normalized)"],
    ['a\\b', "which contains '\\', a NUL or a line break"],
    [RECORD_FILE, 'which is the record itself'],
  ])('fails if the record lists the unsafe path %j', (p, reason) => {
    const text = `${renderRecord(record({}), '1.0.0')}${A}  ${p}\n`;
    expect(() => parseRecord(text, 'r')).toThrow(
      `r line 6 lists "${p}", ${reason}; synth never follows such an entry (it only owns plain paths inside the folder). The record is written by synth only`);
  });

  test('fails if the record lists an unsafe folder', () => {
    const text = `${renderRecord(record({}), '1.0.0')}folder  ../up/\n`;
    expect(() => parseRecord(text, 'r')).toThrow(/^r line 6 lists "\.\.\/up", which contains '\.\.' and may point outside the folder/);
  });

  test('fails if the record lists one path as a file and as a folder', () => {
    const text = `${renderRecord(record({ shop: [A] }), '1.0.0')}folder  shop/\n`;
    expect(() => parseRecord(text, 'r')).toThrow(/^r lists "shop" both as a file and as a folder\. The record is written by synth only/);
  });
});

describe('unsafePathReason', () => {
  test('accepts plain relative paths, with dots inside names', () => {
    expect(['a.k8s.yaml', 'shop/Service.shop.k8s.yaml', '.hidden', 'a..b'].map(unsafePathReason)).toEqual([undefined, undefined, undefined, undefined]);
  });
  test('refuses the empty path and line breaks', () => {
    expect(unsafePathReason('')).toEqual('which is empty');
    expect(unsafePathReason('a\nb')).toEqual("which contains '\\', a NUL or a line break");
  });
});
