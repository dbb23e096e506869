// Argo CD's glob (argo-cd util/glob/glob.go: gobwas/glob without separators), as ignoreDifferences group/kind and a
// directory source's include/exclude use it. The vectors follow gobwas/glob's syntax (README and glob_test.go).
import { globMatch } from '../../../src/private/argocd/glob';

describe('globMatch', () => {
  test.each<[string, string, boolean]>([
    ['VirtualService', 'VirtualService', true],
    ['VirtualService', 'virtualservice', false],
    ['*', '', true],
    ['*', 'a/b/c.yaml', true], // no separators: * crosses '/'
    ['**', 'a/b', true],
    ['*.yaml', 'apps/shop.yaml', true],
    ['*.yaml', 'shop.yml', false],
    ['shop-?.yaml', 'shop-1.yaml', true],
    ['shop-?.yaml', 'shop-10.yaml', false],
    ['{shop.k8s.yaml,cart.k8s.yaml}', 'cart.k8s.yaml', true], // the include ArgoCdApplication renders
    ['{shop.k8s.yaml,cart.k8s.yaml}', 'other.k8s.yaml', false],
    ['{a,b{c,d}}.yaml', 'bd.yaml', true],
    ['{a,b{c,d}}.yaml', 'b.yaml', false],
    ['[abc].yaml', 'b.yaml', true],
    ['[a-c].yaml', 'd.yaml', false],
    ['[!a-c].yaml', 'd.yaml', true],
    ['[!a-c].yaml', 'b.yaml', false],
    ['\\*.yaml', '*.yaml', true],
    ['\\*.yaml', 'a.yaml', false],
    ['a.b', 'aXb', false], // '.' is literal
    ['(a|b)', '(a|b)', true], // regular-expression characters are literal
    ['?', '\u{1F600}', true], // one character is one code point
    ['a,b', 'a,b', true], // a comma outside braces is literal
  ])('%j matches %j: %s', (pattern, value, expected) => {
    expect(globMatch(pattern, value)).toBe(expected);
  });

  test.each(['[abc', '{a,b', 'a\\'])('a pattern gobwas does not compile (%j) matches nothing, as in Argo CD', pattern => {
    expect(globMatch(pattern, pattern)).toBe(false);
    expect(globMatch(pattern, 'a')).toBe(false);
  });
});
