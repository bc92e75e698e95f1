'use strict';
// Plays an outside Confluent client against tralign's registry, driven by stack's ConfluentJsConformanceIT.
// Usage:
//   node conformance.js register    <registryUrl> <subject> <schemaFile>          -> {"id": N}
//   node conformance.js serialize   <registryUrl> <topic> <recordJsonFile>        -> {"hex": "..."} (latest schema)
//   node conformance.js deserialize <registryUrl> <topic> <hex>                   -> {"record": {...}}
// Prints one JSON line on stdout; on failure prints the error on stderr and exits 1.
const fs = require('fs');
const { SchemaRegistryClient, SerdeType, AvroSerializer, AvroDeserializer } = require('@confluentinc/schemaregistry');

async function main(argv) {
  const [command, url, ...rest] = argv;
  const client = new SchemaRegistryClient({ baseURLs: [url] });
  switch (command) {
    case 'register': {
      const [subject, schemaFile] = rest;
      const schema = fs.readFileSync(schemaFile, 'utf8');
      const id = await client.register(subject, { schemaType: 'AVRO', schema });
      return { id };
    }
    case 'serialize': {
      const [topic, recordFile] = rest;
      const record = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
      const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true });
      const bytes = await serializer.serialize(topic, record);
      return { hex: Buffer.from(bytes).toString('hex') };
    }
    case 'deserialize': {
      const [topic, hex] = rest;
      const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
      const record = await deserializer.deserialize(topic, Buffer.from(hex, 'hex'));
      return { record };
    }
    default:
      throw new Error(`unknown command '${command}': use register, serialize or deserialize`);
  }
}

main(process.argv.slice(2)).then(
  (result) => { process.stdout.write(JSON.stringify(result, (k, v) => (typeof v === 'bigint' ? Number(v) : v)) + '\n'); },
  (error) => { process.stderr.write(`conformance.js failed: ${error && error.stack ? error.stack : error}\n`); process.exit(1); },
);
