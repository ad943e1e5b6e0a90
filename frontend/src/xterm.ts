// xterm.js and the addons every terminal view loads, gathered into one chunk of their own
// (`chunks/xterm-<hash>.js`). Only terminal.ts imports this module, dynamically, when a terminal is first
// shown: the header and the instructions pane paint and respond without waiting for ~300 KB of terminal
// code to be fetched, parsed and run, and a phone showing the instructions never loads it (issue 21).

export { Terminal } from "@xterm/xterm";
export { FitAddon } from "@xterm/addon-fit";
export { SearchAddon } from "@xterm/addon-search";
export { Unicode11Addon } from "@xterm/addon-unicode11";
export { WebLinksAddon } from "@xterm/addon-web-links";
