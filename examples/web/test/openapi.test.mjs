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
