import { assertDnsLabel, assertDnsSubdomain, assertLabelKey, assertLabels, assertLabelValue, assertPinnedImage, parseImage, versionFromImage } from '../../src/private/k8s';

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

describe('assertDnsLabel', () => {
  test.each(['a', 'shop', 'shop-api', '0abc', 'a'.repeat(63)])('accepts %j', (value) => {
    expect(() => assertDnsLabel('name', value)).not.toThrow();
  });

  test.each(['', 'Shop', 'shop_api', '-shop', 'shop-', 'shop.api', 'a'.repeat(64)])('fails if the value is not a DNS-1123 label (%j)', (value) => {
    expect(() => assertDnsLabel('name', value)).toThrow(/^'name' \(".*"\) must be a DNS-1123 label: at most 63 lowercase letters, digits or '-'/);
  });

  test('fails if the value is not a DNS-1123 label, naming the caller\'s rule', () => {
    expect(() => assertDnsLabel('stableSubsetName', 'Stable', 'a DNS-1123 label (Istio subset names)'))
      .toThrow(/'stableSubsetName' \("Stable"\) must be a DNS-1123 label \(Istio subset names\)/);
  });
});

describe('assertDnsSubdomain', () => {
  test.each(['example.com', 'shop.example.com', 'a', 'a-b.c-d'])('accepts %j', (value) => {
    expect(() => assertDnsSubdomain('host', value)).not.toThrow();
  });

  test.each(['Example.com', 'shop..example.com', '.example.com', 'example.com.', 'shop_1.example.com', `${'a'.repeat(63)}.`.repeat(4) + 'com'])(
    'fails if the value is not a DNS-1123 subdomain (%j)', (value) => {
      expect(() => assertDnsSubdomain('host', value)).toThrow(/^'host' \(".*"\) must be a DNS-1123 subdomain: .*for example "shop.example.com"/);
    });
});

describe('assertLabelValue', () => {
  test.each(['', 'v1', '1.4.2', 'release_2024-01', 'A'.repeat(63)])('accepts %j', (value) => {
    expect(() => assertLabelValue('labels', 'k', value)).not.toThrow();
  });

  test.each(['-v1', 'v1-', 'v1.', 'a b', 'a/b', 'a:b', 'a'.repeat(64)])('fails if a label value Kubernetes would reject is given (%j)', (value) => {
    expect(() => assertLabelValue('labels', 'team', value))
      .toThrow(/^'labels' label "team" has the value ".*", which Kubernetes rejects: a label value is at most 63 characters/);
  });
});

describe('assertLabelKey', () => {
  test.each(['app', 'app.kubernetes.io/name', 'a_b.c-d', 'example.com/x'])('accepts %j', (key) => {
    expect(() => assertLabelKey('labels', key)).not.toThrow();
  });

  test.each(['', '-app', 'app-', 'Example.com/x', '/app', 'a/b/c', `example.com/${'a'.repeat(64)}`, `${'a'.repeat(254)}/x`])(
    'fails if a label key Kubernetes would reject is given (%j)', (key) => {
      expect(() => assertLabelKey('selector', key)).toThrow(/^'selector' has the label key ".*", which Kubernetes rejects: a key is an optional DNS subdomain prefix/);
    });
});

describe('assertLabels', () => {
  test('accepts a valid map', () => {
    expect(() => assertLabels('labels', { 'app': 'shop', 'app.kubernetes.io/part-of': 'store' })).not.toThrow();
  });

  test('fails if a key of the map is invalid', () => {
    expect(() => assertLabels('labels', { 'bad key': 'x' })).toThrow(/'labels' has the label key "bad key"/);
  });

  test('fails if a value of the map is invalid', () => {
    expect(() => assertLabels('labels', { app: 'bad value' })).toThrow(/'labels' label "app" has the value "bad value"/);
  });
});
