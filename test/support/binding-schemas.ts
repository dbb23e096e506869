// Strict JSON schemas derived from the generated CRD bindings in imports/.
//
// `cdk8s import` generates imports/ from the pinned upstream CRDs (scripts/import-crds.js checks their sha256),
// so the bindings hold each pinned schema's field tree: one interface per object schema (its properties, which
// are required, their types), one `toJson_*` function per interface (the JSON name of each property), one enum
// per string enum and one class per int-or-string field. This module reads that back into JSON schemas in which
// an unknown field is an error, as `kubectl apply` with strict field validation reports it. Fields the CRD leaves
// open (`x-kubernetes-preserve-unknown-fields`, untyped objects) are `any` in the bindings and stay open here.
//
// What the bindings do not keep, and so this check does not see: integer vs number (both are `number`), string
// formats, patterns, minimum/maximum and CEL rules. The @kubernetes-models schemas (see schema.ts) check types,
// formats and patterns of the fields they know.
//
// `npx projen import` compares the field trees derived here with the pinned CRDs themselves
// (scripts/check-binding-schemas.ts), so a change in how `cdk8s import` writes bindings cannot go unnoticed.
import * as ts from 'typescript';

/** A JSON schema (the subset this module writes). */
export type JsonSchema = { [keyword: string]: any };

/** The strict schema of one kind, keyed `<group>/<version>/<kind>` (core kinds: `<version>/<kind>`). */
export interface BindingSchemas {
  readonly [gvk: string]: JsonSchema;
}

interface Declarations {
  readonly interfaces: Map<string, ts.InterfaceDeclaration>;
  readonly enums: Map<string, ts.EnumDeclaration>;
  readonly classes: Map<string, ts.ClassDeclaration>;
  readonly toJson: Map<string, ts.FunctionDeclaration>;
}

/**
 * Derives one strict JSON schema per API object class of the given binding sources.
 *
 * @param sources the text of each generated module (imports/*.ts), by file name (for error messages)
 */
export function deriveBindingSchemas(sources: { [file: string]: string }): BindingSchemas {
  const result: { [gvk: string]: JsonSchema } = {};
  for (const [file, text] of Object.entries(sources)) {
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const decls = collect(sf);
    for (const cls of decls.classes.values()) {
      const gvk = apiObjectGvk(cls);
      if (!gvk) continue;
      result[`${gvk.apiVersion}/${gvk.kind}`] = rootSchema(decls, cls.name!.text, gvk, file);
    }
  }
  return result;
}

function collect(sf: ts.SourceFile): Declarations {
  const decls: Declarations = { interfaces: new Map(), enums: new Map(), classes: new Map(), toJson: new Map() };
  for (const s of sf.statements) {
    if (ts.isInterfaceDeclaration(s)) decls.interfaces.set(s.name.text, s);
    else if (ts.isEnumDeclaration(s)) decls.enums.set(s.name.text, s);
    else if (ts.isClassDeclaration(s) && s.name) decls.classes.set(s.name.text, s);
    else if (ts.isFunctionDeclaration(s) && s.name?.text.startsWith('toJson_')) decls.toJson.set(s.name.text.slice('toJson_'.length), s);
  }
  return decls;
}

/** `static readonly GVK = { apiVersion: '...', kind: '...' }` of a generated ApiObject class, if it is one. */
function apiObjectGvk(cls: ts.ClassDeclaration): { apiVersion: string; kind: string } | undefined {
  for (const m of cls.members) {
    if (!ts.isPropertyDeclaration(m) || m.name.getText() !== 'GVK' || !m.initializer || !ts.isObjectLiteralExpression(m.initializer)) continue;
    const value = (name: string) => {
      const p = m.initializer && ts.isObjectLiteralExpression(m.initializer)
        ? m.initializer.properties.find(x => ts.isPropertyAssignment(x) && x.name.getText() === name) : undefined;
      if (!p || !ts.isPropertyAssignment(p) || !ts.isStringLiteral(p.initializer)) throw new Error(`${cls.name?.text}.GVK: no string ${name}`);
      return p.initializer.text;
    };
    return { apiVersion: value('apiVersion'), kind: value('kind') };
  }
  return undefined;
}

function rootSchema(decls: Declarations, className: string, gvk: { apiVersion: string; kind: string }, file: string): JsonSchema {
  const definitions: { [name: string]: JsonSchema } = {};
  const props = objectSchema(decls, `${className}Props`, definitions, file);
  return {
    $id: `${gvk.apiVersion}/${gvk.kind}`,
    type: 'object',
    required: ['apiVersion', 'kind', ...props.required ?? []],
    properties: {
      apiVersion: { const: gvk.apiVersion },
      kind: { const: gvk.kind },
      ...props.properties,
      // ObjectMeta is Kubernetes' own type, checked by the API server, not part of the CRD schema
      metadata: { type: 'object' },
    },
    additionalProperties: false,
    definitions,
  };
}

/** The closed object schema of a generated interface; nested interfaces become definitions. */
function objectSchema(decls: Declarations, name: string, definitions: { [name: string]: JsonSchema }, file: string): JsonSchema {
  const iface = decls.interfaces.get(name);
  if (!iface) throw new Error(`${file}: no interface ${name}`);
  const jsonNames = jsonNamesOf(decls, name, file);
  const properties: { [json: string]: JsonSchema } = {};
  const required: string[] = [];
  for (const member of iface.members) {
    if (!ts.isPropertySignature(member) || !member.type) throw new Error(`${file}: ${name}: unexpected member ${member.getText()}`);
    const prop = member.name.getText();
    const json = jsonNames.get(prop);
    if (json === undefined) throw new Error(`${file}: toJson_${name} does not write ${prop}`);
    properties[json] = typeSchema(decls, member.type, definitions, file, `${name}#${prop}`);
    if (!member.questionToken) required.push(json);
  }
  if (jsonNames.size !== Object.keys(properties).length) {
    throw new Error(`${file}: toJson_${name} writes ${jsonNames.size} fields, the interface has ${Object.keys(properties).length}`);
  }
  return { type: 'object', properties, ...required.length > 0 ? { required } : {}, additionalProperties: false };
}

/** Property name -> JSON name, from `const result = { 'json': ...obj.prop... }` in the toJson function. */
function jsonNamesOf(decls: Declarations, name: string, file: string): Map<string, string> {
  const fn = decls.toJson.get(name);
  if (!fn?.body) throw new Error(`${file}: no toJson_${name}`);
  const names = new Map<string, string>();
  for (const stmt of fn.body.statements) {
    if (!ts.isVariableStatement(stmt)) continue;
    for (const d of stmt.declarationList.declarations) {
      if (d.name.getText() !== 'result' || !d.initializer || !ts.isObjectLiteralExpression(d.initializer)) continue;
      for (const p of d.initializer.properties) {
        if (!ts.isPropertyAssignment(p) || !ts.isStringLiteral(p.name)) throw new Error(`${file}: toJson_${name}: unexpected entry ${p.getText()}`);
        const prop = firstObjAccess(p.initializer);
        if (!prop) throw new Error(`${file}: toJson_${name}: '${p.name.text}' reads no property of obj`);
        names.set(prop, p.name.text);
      }
    }
  }
  return names;
}

function firstObjAccess(node: ts.Node): string | undefined {
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'obj') return node.name.text;
  return ts.forEachChild(node, firstObjAccess);
}

function typeSchema(decls: Declarations, type: ts.TypeNode, definitions: { [name: string]: JsonSchema }, file: string, where: string): JsonSchema {
  switch (type.kind) {
    case ts.SyntaxKind.StringKeyword: return { type: 'string' };
    case ts.SyntaxKind.NumberKeyword: return { type: 'number' };
    case ts.SyntaxKind.BooleanKeyword: return { type: 'boolean' };
    case ts.SyntaxKind.AnyKeyword: return {};
  }
  if (ts.isArrayTypeNode(type)) return { type: 'array', items: typeSchema(decls, type.elementType, definitions, file, where) };
  if (ts.isTypeLiteralNode(type) && type.members.length === 1 && ts.isIndexSignatureDeclaration(type.members[0])) {
    return { type: 'object', additionalProperties: typeSchema(decls, type.members[0].type, definitions, file, where) };
  }
  if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && !type.typeArguments) {
    return namedSchema(decls, type.typeName.text, definitions, file, where);
  }
  throw new Error(`${file}: ${where}: unsupported type ${type.getText()}`);
}

function namedSchema(decls: Declarations, name: string, definitions: { [name: string]: JsonSchema }, file: string, where: string): JsonSchema {
  if (name === 'Date') return { type: 'string' };
  if (name === 'ApiObjectMetadata') return { type: 'object' };
  const en = decls.enums.get(name);
  if (en) {
    return {
      enum: en.members.map(m => {
        if (!m.initializer || !ts.isStringLiteral(m.initializer)) throw new Error(`${file}: enum ${name}: non-string member ${m.getText()}`);
        return m.initializer.text;
      }),
    };
  }
  const cls = decls.classes.get(name);
  if (cls) return intOrString(cls, file);
  if (decls.interfaces.has(name)) {
    if (!(name in definitions)) {
      definitions[name] = {}; // placeholder: the bindings have no recursive types, but keep the walk finite
      definitions[name] = objectSchema(decls, name, definitions, file);
    }
    return { $ref: `#/definitions/${name}` };
  }
  throw new Error(`${file}: ${where}: unknown type ${name}`);
}

/** A class with static `fromNumber`/`fromString` factories: `x-kubernetes-int-or-string` in the CRD. */
function intOrString(cls: ts.ClassDeclaration, file: string): JsonSchema {
  const factories = cls.members
    .filter(ts.isMethodDeclaration)
    .filter(m => m.modifiers?.some(x => x.kind === ts.SyntaxKind.StaticKeyword))
    .map(m => m.name.getText())
    .sort();
  if (factories.join() !== 'fromNumber,fromString') {
    throw new Error(`${file}: class ${cls.name?.text}: expected fromNumber and fromString, found ${factories.join(', ')}`);
  }
  return { type: ['integer', 'string'] };
}
