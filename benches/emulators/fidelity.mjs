// Fidelity column of the emulator comparison: for every recorded session, each emulator's visible rows
// (emulator-bench `screen`) against @xterm/headless fed the same session. Prints rows that differ.
//   (cd benches/emulators && cargo build --release) && node benches/emulators/fidelity.mjs
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { feed, headless, rows, sessions } from "../../frontend/e2e/sessions.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = process.env.EMULATOR_BENCH ?? path.join(here, "..", "..", "target", "emulators", "release", "emulator-bench");
const names = ["avt", "alacritty_terminal", "vt100"];
const totals = Object.fromEntries(names.map((n) => [n, [0, 0]]));
for (const session of sessions()) {
  const term = headless(session.cols, session.rows);
  await feed(term, session);
  // Trailing blanks are not compared (xterm.js keeps explicitly written spaces, the others trim them).
  const want = rows(term).map((row) => row.trimEnd());
  const line = [session.name];
  for (const name of names) {
    const got = JSON.parse(execFileSync(bin, ["screen", name, session.file], { encoding: "utf8" })).map((row) => row.trimEnd());
    const same = want.filter((row, i) => row === (got[i] ?? "")).length;
    totals[name][0] += same;
    totals[name][1] += want.length;
    line.push(`${name} ${same}/${want.length}`);
    if (process.env.VERBOSE) want.forEach((row, i) => row !== got[i] && console.log(`  ${session.name} ${name} row ${i}:\n    xterm ${JSON.stringify(row)}\n    got   ${JSON.stringify(got[i])}`));
  }
  console.log(line.join("  "));
}
console.log(names.map((n) => `${n}: ${totals[n][0]}/${totals[n][1]} rows identical to xterm.js`).join("; "));
