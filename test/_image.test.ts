import { assertPinnedImage, parseImage, versionFromImage } from '../src/_image';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('parseImage', () => {
  test.each([
    ['nginx', { repository: 'nginx', tag: undefined, digest: undefined }],
    ['nginx:1.19-alpine', { repository: 'nginx', tag: '1.19-alpine', digest: undefined }],
    ['ghcr.io/acme/shop:1.4.2', { repository: 'ghcr.io/acme/shop', tag: '1.4.2', digest: undefined }],
    ['registry:5000/org/name', { repository: 'registry:5000/org/name', tag: undefined, digest: undefined }],
    ['registry:5000/org/name:tag', { repository: 'registry:5000/org/name', tag: 'tag', digest: undefined }],
    [`ghcr.io/acme/shop@${DIGEST}`, { repository: 'ghcr.io/acme/shop', tag: undefined, digest: DIGEST }],
    [`ghcr.io/acme/shop:1.4.2@${DIGEST}`, { repository: 'ghcr.io/acme/shop', tag: '1.4.2', digest: DIGEST }],
    ['nginx:', { repository: 'nginx', tag: undefined, digest: undefined }],
  ])('splits %j', (image, expected) => {
    expect(parseImage(image)).toEqual(expected);
  });
});

describe('versionFromImage', () => {
  test('the tag wins over the digest', () => {
    expect(versionFromImage(parseImage(`shop:1.4.2@${DIGEST}`))).toEqual('1.4.2');
  });

  test('a digest alone gives "<algorithm>-<12 hex>"', () => {
    expect(versionFromImage(parseImage(`shop@${DIGEST}`))).toEqual('sha256-0123456789ab');
  });

  test('neither gives undefined', () => {
    expect(versionFromImage(parseImage('shop'))).toBeUndefined();
  });
});

describe('assertPinnedImage', () => {
  test.each(['shop:1.4.2', `shop@${DIGEST}`, `registry:5000/shop:v1@${DIGEST}`, 'shop:_build_7'])('accepts %j', (image) => {
    expect(() => assertPinnedImage('image', image)).not.toThrow();
  });

  test('fails if the image has no tag and no digest', () => {
    expect(() => assertPinnedImage('image', 'ghcr.io/acme/shop'))
      .toThrow(/^'image' \("ghcr.io\/acme\/shop"\) has neither a tag nor a digest.*pin it \(for example "ghcr.io\/acme\/shop:1.4.2" or "ghcr.io\/acme\/shop@sha256:<digest>"\)$/);
  });

  test('fails if the image uses the tag latest (a digest pins it)', () => {
    expect(() => assertPinnedImage('image', 'ghcr.io/acme/shop:latest'))
      .toThrow(/^'image' \("ghcr.io\/acme\/shop:latest"\) uses the tag "latest", which moves.*Pin it \(for example "ghcr.io\/acme\/shop:1.4.2"/);
    expect(() => assertPinnedImage('image', `ghcr.io/acme/shop:latest@${DIGEST}`)).not.toThrow();
  });

  test('fails if the image has a registry port but no tag (the port is not a tag)', () => {
    expect(() => assertPinnedImage('image', 'localhost:5000/shop')).toThrow(/has neither a tag nor a digest/);
  });

  test.each(['', ':1.0', '@sha256:abc', 'shop :1.0', 'shop:1.0 '])('fails if the image is not an image reference (%j)', (image) => {
    expect(() => assertPinnedImage('image', image)).toThrow(/^'image' \(".*"\) is not a container image reference: expected "<repository>:<tag>"/);
  });

  test.each(['shop:.hidden', 'shop:-x', `shop:${'a'.repeat(129)}`, 'shop:a+b'])('fails if the tag is invalid (%j)', (image) => {
    expect(() => assertPinnedImage('image', image)).toThrow(/^'image' \(".*"\) has an invalid tag ".*": a tag is 1-128 letters/);
  });

  test.each(['shop@sha256:abc', 'shop@0123456789abcdef0123456789abcdef', `shop@SHA256:${'a'.repeat(64)}`])('fails if the digest is invalid (%j)', (image) => {
    expect(() => assertPinnedImage('image', image)).toThrow(/^'image' \(".*"\) has an invalid digest ".*": expected "sha256:<64 hex digits>"/);
  });
});
