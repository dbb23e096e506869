// The official SARIF 2.1.0 JSON schema (draft 2020-12), as the SARIF multitool package ships it: the lint command's
// SARIF report is validated against it, as GitHub code scanning and other consumers validate an upload.
import * as fs from 'fs';
import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

let validate: ValidateFunction | undefined;

/** The schema violations of a SARIF log (`[]` when it is valid), each as "<instance path> <message>". */
export function sarifSchemaErrors(log: unknown): string[] {
  validate ??= compile();
  return validate(log) ? [] : (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message}`);
}

function compile(): ValidateFunction {
  const file = require.resolve(`@microsoft/sarif-multitool-${process.platform}/sarif-2.1.0.json`);
  const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}
