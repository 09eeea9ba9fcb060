// The browser consumers (issue 9, §5 c–e, plus esbuild): throw-away projects that install the
// packed tarball and use the widget the way the README shows, checked in headless Chromium. npm
// installs are the slow part, so every project installs at once; then each is built, served and
// checked in turn in one browser. Pass names to run a subset:
// `node test/consumers/browser.consumer.mjs webpack script-tag`.
import { withChromium } from './browser-harness.mjs';
import { esbuildConsumer } from './esbuild-check.mjs';
import { packOnce } from './pack-once.mjs';
import { scriptTagConsumer } from './script-tag-check.mjs';
import { viteReactConsumer } from './vite-react-check.mjs';
import { webpackConsumer } from './webpack-check.mjs';

const ALL = [
  scriptTagConsumer,
  viteReactConsumer(19, { measure: true }),
  viteReactConsumer(18),
  webpackConsumer,
  esbuildConsumer,
];

const wanted = process.argv.slice(2);
const chosen = ALL.filter((c) => wanted.length === 0 || wanted.some((w) => c.name.startsWith(w)));
if (chosen.length === 0) {
  console.error(`browser consumers: none matches ${wanted.join(', ')}`);
  process.exit(1);
}

const tarball = await packOnce();
const t0 = Date.now();
const settled = await Promise.allSettled(chosen.map((c) => c.setup(tarball)));
console.log(`browser consumers: installed ${chosen.length} projects in ${seconds(t0)}`);
const failures = [];
try {
  await withChromium(async (browser) => {
    for (const [i, consumer] of chosen.entries()) {
      const project = settled[i];
      const started = Date.now();
      try {
        if (project.status === 'rejected') throw project.reason;
        await consumer.verify(browser, project.value);
        console.log(`browser consumers: ok   ${consumer.name} (${seconds(started)})`);
      } catch (error) {
        failures.push(consumer.name);
        console.error(`browser consumers: FAIL ${consumer.name}: ${error?.stack ?? error}`);
      }
    }
  });
} finally {
  await Promise.all(settled.map((p) => (p.status === 'fulfilled' ? p.value.dispose() : null)));
}
process.exit(failures.length === 0 ? 0 : 1);

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
