// Checks many EPUBs with Ace by DAISY in one Node process and one headless Chromium (#17: ace-cli starts a browser
// per EPUB, 6-9 s each). Each EPUB goes through @daisy/ace-core exactly as `ace-cli --force --outdir OUT EPUB` sends
// it, with the same axe runner; only the browser's launch and close are done once for all of them.
//   NODE_PATH=.ci/node_modules node tests/js/ace-batch.cjs OUT1 a.epub OUT2 b.epub ...
// Writes OUTn/report.json for each EPUB; prints one JSON object: EPUB -> {"ok": true} or {"error": message}.
const ace = require("@daisy/ace-core");
const puppeteer = require("puppeteer");
const runner = require("@daisy/ace-axe-runner-puppeteer");
const logger = require("@daisy/ace-logger");

// Chromium's site isolation gives documents of different origins renderer processes of their own; every document
// here is a local file, checked alone in its own page, so one renderer serves them all. Same pages, same axe, same
// report (compared: identical assertions), about a fifth less CPU (#17). The runner's own arguments are kept.
const ONE_RENDERER = ["--renderer-process-limit=1", "--disable-site-isolation-trials",
                      "--disable-features=site-per-process,IsolateOrigins"];
const launch = puppeteer.launch.bind(puppeteer);
puppeteer.launch = (options) => launch({...options, args: [...((options && options.args) || []), ...ONE_RENDERER]});

// The runner ace-core is given: the real one, whose browser this script launches and closes itself.
const shared = Object.assign(Object.create(runner), {launch: async () => {}, close: async () => {}});

async function main() {
  logger.initLogger({verbose: false, silent: true, fileName: "ace-batch.log"});
  const args = process.argv.slice(2);
  const results = {};
  await runner.launch();
  try {
    for (let i = 0; i + 1 < args.length; i += 2) {
      const [outdir, epub] = [args[i], args[i + 1]];
      try {
        await ace(epub, {cwd: process.cwd(), outdir, jobId: "", silent: true}, shared);
        results[epub] = {ok: true};
      } catch (error) {
        results[epub] = {error: String(error && (error.message || error))};
      }
    }
  } finally {
    await runner.close();
  }
  process.stdout.write(JSON.stringify(results));
}

main().then(() => process.exit(0), (error) => {
  process.stderr.write(`${error && (error.stack || error)}\n`);
  process.exit(1);
});
