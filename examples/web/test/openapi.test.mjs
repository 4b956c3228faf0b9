// docs/openapi.yaml against the OpenAPI 3.1 schema, with @seriousme/openapi-schema-validator (pinned
// in package-lock.json). Broken copies must fail, so a validator that accepts anything fails here
// too. The route set and x-access are checked against the server's table by tests/api/test_openapi.cpp.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import YAML from 'yaml';

const DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/openapi.yaml');
const load = () => YAML.parse(fs.readFileSync(DOC, 'utf8'));

async function validate(spec) {
  const validator = new Validator();
  const result = await validator.validate(spec);
  return { validator, result };
}

test('docs/openapi.yaml is a valid OpenAPI 3.1 document whose references all resolve', async () => {
  const { validator, result } = await validate(load());
  assert.deepEqual(result.errors, undefined, JSON.stringify(result.errors, null, 2));
  assert.equal(result.valid, true);
  assert.equal(validator.version, '3.1');
  const resolved = validator.resolveRefs();
  const camera = resolved.paths['/api/cameras/{id}'].get.responses['200'].content['application/json'].schema;
  assert.ok(camera.properties.urls.properties.whep, 'the Camera schema was resolved through its $refs');
});

// Each breaks one rule of the OpenAPI 3.1 schema; the validator must refuse every one.
const BROKEN = {
  'no info': (d) => { delete d.info; },
  'a parameter in "body" (OpenAPI 2 only)': (d) => {
    d.paths['/api/clips'].get.parameters[0].in = 'body';
  },
  'a response without a description': (d) => {
    delete d.paths['/api/health'].get.responses['200'].description;
  },
  'a status code that is not one': (d) => {
    d.paths['/api/health'].get.responses['2000'] = { description: 'nope' };
  },
  'a path parameter that is not required': (d) => {
    d.components.parameters.CameraId.required = false;
  },
  'a path that does not start with /': (d) => {
    d.paths['api/nowhere'] = d.paths['/api/health'];
  },
};

for (const [name, breakIt] of Object.entries(BROKEN)) {
  test(`a broken copy is refused: ${name}`, async () => {
    const doc = load();
    breakIt(doc);
    const { result } = await validate(doc);
    assert.equal(result.valid, false, `the validator accepted a document with ${name}`);
  });
}

test('a reference to a schema that does not exist is refused', async () => {
  const doc = load();
  doc.paths['/api/cameras'].get.responses['200'].content['application/json'].schema.properties.cameras.items =
    { $ref: '#/components/schemas/NoSuchCamera' };
  const { result } = await validate(doc);
  assert.equal(result.valid, false);
  assert.match(String(result.errors), /Can't resolve #\/components\/schemas\/NoSuchCamera/);
});

// Every example (request and response bodies, parameters) against its own schema, with Ajv's JSON
// Schema 2020-12 (OpenAPI 3.1's dialect): examples come from a running server, so this also checks
// the schemas against what the server really answers.
test('every example matches its schema', async () => {
  const { default: Ajv2020 } = await import('ajv/dist/2020.js');
  const { default: addFormats } = await import('ajv-formats');
  const { validator } = await validate(load());
  const spec = validator.resolveRefs();
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('int64', true);
  ajv.addKeyword('example');
  let checked = 0;
  const failures = [];
  const check = (where, schema, value) => {
    if (!schema || value === undefined) return;
    const ok = ajv.validate(schema, value);
    checked++;
    if (!ok) failures.push(`${where}: ${ajv.errorsText(ajv.errors)}`);
  };
  const media = (where, content) => {
    for (const [type, m] of Object.entries(content || {})) {
      check(`${where} ${type} example`, m.schema, m.example);
      for (const [name, ex] of Object.entries(m.examples || {})) check(`${where} ${type} examples.${name}`, m.schema, ex.value);
    }
  };
  for (const [p, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'patch', 'delete', 'put'].includes(method)) continue;
      const where = `${method.toUpperCase()} ${p}`;
      for (const param of [...(item.parameters || []), ...(op.parameters || [])]) check(`${where} parameter ${param.name}`, param.schema, param.example);
      media(`${where} request`, op.requestBody?.content);
      for (const [status, r] of Object.entries(op.responses)) media(`${where} ${status}`, r.content);
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(checked > 100, `only ${checked} examples were checked`);
});
