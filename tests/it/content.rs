//! content integration tests: the whole corpus against EXPECTED.json, snapshots of rendered pages,
//! `lectern check` on a deliberately broken workshop (the real binary), and the Killercoda corpus
//! (served as it is and through `lectern import`).

mod broken;
mod check_rules;
mod corpus;
mod killercoda;
mod layouts;
mod oracle;
mod snapshots;
