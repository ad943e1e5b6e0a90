//! Snapshot tests of representative rendered pages.
