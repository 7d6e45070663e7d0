// Lint Cypher offline with Neo4j 5's own parser and semantic analysis.
// stdin: {"schema": {labels, relationshipTypes, propertyKeys, parameters},
//         "queries": {name: text}}
// stdout: {name: [{severity, message, line, character}]} (severity 1 error, 2 warning)
import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { schema, queries } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const dbSchema = {
  ...testData.mockSchema,
  labels: schema.labels,
  relationshipTypes: schema.relationshipTypes,
  propertyKeys: schema.propertyKeys,
  parameters: schema.parameters,
  defaultLanguage: 'CYPHER 5',
};
const report = {};
for (const [name, text] of Object.entries(queries)) {
  const { diagnostics } = lintCypherQuery(text, dbSchema);
  report[name] = diagnostics.map((d) => ({
    severity: d.severity,
    message: d.message,
    line: d.range.start.line + 1,
    character: d.range.start.character + 1,
  }));
}
process.stdout.write(JSON.stringify(report));
