// The Vite + React app the vite-react consumers build (the files `npm create vite --template
// react` writes, trimmed), with the widget usage from the README and a training check, plus a
// React-free page that imports only `hearth-recs/widget`, to measure the widget's serve path in a
// default Vite build.
import { shopPage } from './browser-harness.mjs';

/**
 * `window.hearthTrainCheck()`: trains on TF.js WASM in a worker started by `hearth-recs/worker`,
 * so the training chunk and the .wasm files the bundler copied must load (a fallback fails it).
 */
export const TRAIN_CHECK = `
window.hearthTrainCheck = async () => {
  const { createWorkerRecommender } = await import('hearth-recs/worker');
  const recommender = createWorkerRecommender({ dbName: 'hearth-train-check' });
  try {
    const csv = await (await fetch(new URL('model/interactions.csv', document.baseURI))).text();
    await recommender.importInteractions(csv);
    const report = await recommender.train({ backend: 'wasm', mf: { epochs: 2 } });
    return { computePath: report.computePath, fallbacks: report.fallbacks.map((f) => f.error.message) };
  } finally {
    recommender.dispose();
  }
};
`;

/**
 * The React app's files.
 *
 * @returns {Record<string, string>}
 */
export function reactAppFiles() {
  return {
    'index.html': `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <link rel="icon" href="data:," />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>Shop</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.jsx"></script>
  </body>
</html>
`,
    'vite.config.js': `import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
});
`,
    'src/main.jsx': `import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import App from './App.jsx';

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
${TRAIN_CHECK}`,
    'src/App.jsx': `import { HearthRecs } from 'hearth-recs/widget/react';

export default function App() {
  return (
    <main>
      <h1>Shop</h1>
      <HearthRecs
        type="popular"
        limit={6}
        modelSrc="/model/model.hearth"
        catalogSrc="/model/catalog.json"
      />
    </main>
  );
}
`,
  };
}

/**
 * A page with only the script-tag usage (`import 'hearth-recs/widget'` and a `<hearth-recs>`
 * element), under `folder`: its default Vite build is the widget's serve path in a consumer.
 *
 * @param {string} folder
 * @returns {Record<string, string>}
 */
export function widgetOnlyFiles(folder) {
  return {
    [`${folder}/index.html`]: shopPage({ head: '<script type="module" src="./main.js"></script>' }),
    [`${folder}/main.js`]: `import 'hearth-recs/widget';\n`,
  };
}

/** A page function: the React `<HearthRecs>` row shows items. */
export function reactRowReady() {
  const row = document.querySelector('.hearth-recs');
  return (
    row?.getAttribute('data-status') === 'ready' &&
    row.querySelectorAll('[data-item-id]').length > 0
  );
}
