//! Real code-server (npm package, installed by tests/support/install-code-server.sh into
//! target/test-deps/) behind `/editor/`: the workbench page and its assets load through the proxy and its
//! websocket upgrades. Skipped with a printed reason when code-server is not installed.
