//! `lectern check` on tests/fixtures/broken.
