//! Unit tests of action body parsing.
