// Builds the dashboard bundle into assets/dashboard (or $LECTERN_OUT): index.html + dashboard.js/css (ES
// module) and instructions.js/css (one classic script, no imports) under fixed names, and the chunks the
// dashboard imports on demand (xterm.js, its renderers) as chunks/<name>-<content hash>.js: the server
// caches those for a year (src/web/dashboard.rs), a new build names them anew.
import { build } from "vite";
import { fileURLToPath } from "node:url";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import path from "node:path";
import { buildExtension } from "./vscode-extension/build.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(process.env.LECTERN_OUT ?? path.join(here, "..", "assets", "dashboard"));
const common = { root: here, base: "/static/", logLevel: "warn", configFile: false };

await build({
  ...common,
  build: {
    outDir,
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      input: path.join(here, "index.html"),
      output: {
        entryFileNames: "dashboard.js",
        chunkFileNames: "chunks/[name]-[hash].js",
        assetFileNames: (info) => (info.names?.[0]?.endsWith(".css") ? "dashboard.css" : "[name][extname]"),
      },
    },
  },
});

await build({
  ...common,
  build: {
    outDir,
    emptyOutDir: false,
    target: "es2022",
    sourcemap: false,
    lib: {
      entry: path.join(here, "src", "instructions.ts"),
      formats: ["iife"],
      name: "lecternInstructionsBundle",
      fileName: () => "instructions.js",
      cssFileName: "instructions",
    },
  },
});
// lectern's VS Code extension, embedded in the binary (installed into the code-server lectern starts) and
// served at /static/lectern-editor.vsix for an operator-run code-server.
await buildExtension(path.join(outDir, "lectern-editor.vsix"));
// Precompressed copies (`x.js.br`, `x.js.gz`) the server sends to browsers that accept them, so nothing is
// compressed per request. Deterministic (gzip without a timestamp), so the CI freshness diff holds.
for (const name of readdirSync(outDir, { recursive: true })) {
  if (!/\.(js|css|html|svg)$/.test(name)) continue;
  const data = readFileSync(path.join(outDir, name));
  const variants = {
    br: brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    }),
    gz: gzipSync(data, { level: 9 }),
  };
  for (const [ext, bytes] of Object.entries(variants))
    if (bytes.length < data.length * 0.9) writeFileSync(path.join(outDir, `${name}.${ext}`), bytes);
}
console.log(`built into ${outDir}`);
