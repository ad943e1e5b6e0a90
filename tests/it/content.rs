//! content integration tests: the whole corpus against EXPECTED.json, snapshots of rendered pages,
//! and `lectern check` on a deliberately broken workshop (the real binary).

mod broken;
mod corpus;
mod layouts;
mod oracle;
mod snapshots;
