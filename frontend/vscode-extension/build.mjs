// Builds lectern's VS Code extension into a .vsix: the TypeScript (with its `ws` dependency) bundled by Vite
// into one CommonJS file for code-server's extension host, then zipped with the manifest VS Code reads.
// The archive is byte-for-byte reproducible (fixed order and timestamps), so the committed copy can be
// checked for freshness like the dashboard bundle.
import { build } from "vite";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const here = path.dirname(fileURLToPath(import.meta.url));

/** A zip archive of `entries` ([name, Buffer] in order), deflated, with a fixed date (1980-01-01). */
function zip(entries) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name, "utf8");
    const packed = zlib.deflateRawSync(data, { level: 9 });
    const crc = zlib.crc32(data);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed
    header.writeUInt16LE(0x0800, 6); // UTF-8 names
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(0, 10); // time
    header.writeUInt16LE(0x21, 12); // date 1980-01-01
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(packed.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(0, 28);
    locals.push(header, nameBytes, packed);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(0x031e, 4); // made by: unix, 3.0
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(0, 12);
    entry.writeUInt16LE(0x21, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, 0644
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += header.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function manifest(pkg) {
  return `<?xml version="1.0" encoding="utf-8"?>
<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011">
  <Metadata>
    <Identity Language="en-US" Id="${pkg.name}" Version="${pkg.version}" Publisher="${pkg.publisher}" />
    <DisplayName>${pkg.displayName}</DisplayName>
    <Description xml:space="preserve">${pkg.description}</Description>
    <Categories>Other</Categories>
    <Properties>
      <Property Id="Microsoft.VisualStudio.Code.Engine" Value="${pkg.engines.vscode}" />
    </Properties>
  </Metadata>
  <Installation>
    <InstallationTarget Id="Microsoft.VisualStudio.Code" />
  </Installation>
  <Dependencies />
  <Assets>
    <Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true" />
  </Assets>
</PackageManifest>
`;
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension=".json" ContentType="application/json" /><Default Extension=".js" ContentType="application/javascript" /><Default Extension=".vsixmanifest" ContentType="text/xml" /></Types>
`;

/** Builds the extension and writes the .vsix to `outFile`. */
export async function buildExtension(outFile) {
  const work = mkdtempSync(path.join(tmpdir(), "lectern-vsix-"));
  try {
    await build({
      root: here,
      logLevel: "warn",
      configFile: false,
      ssr: { noExternal: true, target: "node" },
      build: {
        ssr: path.join(here, "src", "extension.ts"),
        outDir: work,
        emptyOutDir: true,
        target: "node18",
        minify: true,
        sourcemap: false,
        rollupOptions: {
          external: ["vscode", "bufferutil", "utf-8-validate"],
          output: { format: "cjs", entryFileNames: "extension.js" },
        },
      },
    });
    const pkg = JSON.parse(readFileSync(path.join(here, "package.json"), "utf8"));
    const entries = [
      ["extension.vsixmanifest", Buffer.from(manifest(pkg))],
      ["[Content_Types].xml", Buffer.from(CONTENT_TYPES)],
      ["extension/package.json", readFileSync(path.join(here, "package.json"))],
      ["extension/extension.js", readFileSync(path.join(work, "extension.js"))],
    ];
    writeFileSync(outFile, zip(entries));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
