//! Terminal tests over real sockets and real PTYs: floods, reconnects, flow control, exit,
//! resize, the input API, bad input and the protocol document's examples.
//!
//! Byte-exact tests run their program after `stty -echo -opost`, so the PTY line discipline neither
//! echoes input nor turns `\n` into `\r\n`: the received stream must equal the program's output.

pub mod client;
mod process;

mod api;
mod bad_input;
mod doc;
mod edges;
mod flood;
mod hangup;
mod interactive;
mod replay;
mod screen;
mod secrets;
mod snapshot;
