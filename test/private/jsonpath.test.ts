// The JSONPath parser against the behaviour of k8s.io/client-go/util/jsonpath/parser.go (v0.34.1), case by case as
// that parser scans: what it accepts, and the error it gives otherwise.
import { parseJsonPath, webJsonPathProblem } from '../../src/private/jsonpath';

describe('parseJsonPath: what client-go accepts', () => {
  test.each([
    '{$}',
    '{.status}',
    '{$.data.successRate}',
    '{$.items[0].value}',
    '{.items[-1]}',
    '{.items[1:3]}',
    '{.items[::2]}',
    '{.items[*].name}',
    '{.items[0,1].name}',
    "{.metadata.labels['app\\.kubernetes\\.io/name']}",
    "{['data']}",
    '{..name}',
    "{.items[?(@.status=='UP')].name}",
    '{.items[?(@.ok)]}',
    '{.a.*}',
    '{range .items[*]}{.name}{end}',
    '{.a} text',
    'plain text',
    "{.a['b c']}",
    '{$.a.b}{.c}',
    '{.x-y_z}',
  ])('%s', text => {
    expect(parseJsonPath(text)).not.toHaveProperty('error');
  });
});

describe('parseJsonPath: what client-go refuses, with its message', () => {
  test.each([
    ['{.a', 'unclosed action'],
    ['{.items[0}', 'unterminated array'],
    ['{.items[a]}', 'invalid array index a'],
    ['{.items[1:2:3:4]}', 'invalid array index 1:2:3:4'],
    ['{.items[?(@.a == 1}', 'unterminated filter'],
    ['{.items[?(@.a)x}', 'unclosed array expect ]'],
    ['{"abc}', 'unterminated quoted string'],
    ['{..a..b}', ''],
    ['{....a}', 'invalid multiple recursive descent'],
    ['{.a | b}', "unrecognized character in action: U+007C '|'"],
    ['{1.2.3}', 'cannot parse number 1.2.3'],
    ['{"\\q"}', 'unquote string "\\q" error invalid syntax'],
  ])('%s', (text, message) => {
    const r = parseJsonPath(text);
    if (message === '') expect(r).not.toHaveProperty('error');
    else expect(r).toEqual({ error: message });
  });
});

describe('webJsonPathProblem: the forms a web metric can use', () => {
  test.each([['{$.status}'], ['{.data[0].value}'], ['']])('accepts %j', text => {
    expect(webJsonPathProblem(text)).toBeUndefined();
  });

  test.each([
    ['$.status', /has no \{\.\.\.\} action/],
    ['ok {.status}', /has text outside the \{\.\.\.\} action/],
    ['{.a}{.b}', /has 2 actions/],
    ['{range .items[*]}', /uses the template keyword or name "range"/],
    ['{.a', /does not parse as Kubernetes JSONPath: unclosed action/],
  ])('refuses %j', (text, message) => {
    expect(webJsonPathProblem(text)).toMatch(message);
  });
});
