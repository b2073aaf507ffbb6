// Validates an AsyncAPI document; exits 1 listing every error. Usage: node check.mjs FILE
import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';

const file = process.argv[2];
const { document, diagnostics } = await new Parser().parse(readFileSync(file, 'utf8'));
const errors = diagnostics.filter((d) => d.severity === 0);
for (const d of errors) {
  console.error(`${file}: ${d.path.join('.')}: ${d.message}`);
}
if (!document || errors.length > 0) {
  process.exit(1);
}
console.log(`${file}: valid AsyncAPI ${document.version()}`);
