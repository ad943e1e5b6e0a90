//! The tests' fake training portal (tests/it/support/portal.rs) as a program, for the browser tests
//! (frontend/e2e/portal.mjs): `fake_portal <session> <owner> <session-url> [staff…]` prints
//! `listening <port>` once it serves on 127.0.0.1 and runs until killed.

#[allow(dead_code)]
#[path = "../it/support/portal.rs"]
mod portal;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [session, owner, session_url, staff @ ..] = args.as_slice() else {
        eprintln!("usage: fake_portal <session> <owner> <session-url> [staff…]");
        std::process::exit(2);
    };
    let staff: Vec<&str> = staff.iter().map(String::as_str).collect();
    let portal = portal::FakePortal::start(session, owner, &staff).await;
    portal.set_session_url(session_url);
    println!("listening {}", portal.addr.port());
    std::future::pending::<()>().await;
}
