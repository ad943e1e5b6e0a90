//! HTTP input API.
