// Canonicalizes JSON-LD files with jsonld.js (the reference implementation) at its default work limits, offline:
// the document loader serves only the contexts given to it locally and refuses every other URL.
//   NODE_PATH=.ci/node_modules node tests/js/canonize.cjs a.jsonld b.jsonld ...
// Prints one JSON object: file -> {"nquads": canonical N-Quads} or {"error": message}.
const fs = require("fs");
const jsonld = require("jsonld");

const LOCAL_CONTEXTS = {};  // URL -> context document; archivist embeds its context, so nothing is needed

async function documentLoader(url) {
  if (Object.prototype.hasOwnProperty.call(LOCAL_CONTEXTS, url)) {
    return {contextUrl: null, documentUrl: url, document: LOCAL_CONTEXTS[url]};
  }
  throw new Error(`network access attempted: ${url}`);
}

async function main() {
  const results = {};
  for (const file of process.argv.slice(2)) {
    try {
      const doc = JSON.parse(fs.readFileSync(file, "utf8"));
      const nquads = await jsonld.canonize(doc, {algorithm: "URDNA2015", format: "application/n-quads", documentLoader,
                                                 safe: true});
      results[file] = {nquads};
    } catch (error) {
      results[file] = {error: String(error && (error.message || error))};
    }
  }
  process.stdout.write(JSON.stringify(results));
}

main();
