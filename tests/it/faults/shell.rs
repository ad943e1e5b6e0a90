//! A shell SIGKILLed: its viewer gets every byte it printed, then `exit` naming signal 9; a restart
//! works; a neighbouring terminal is untouched.

use lectern::terminal::protocol::ServerMsg;

use crate::terminal::client::{Client, read_to_exit, server_with_bash};

#[tokio::test]
async fn a_shell_killed_with_sigkill_reports_it_after_its_last_output() {
    let home = tempfile::tempdir().expect("home");
    let server = server_with_bash(home.path()).await;
    let (mut victim, welcome) = Client::attach(&server, "victim", None).await;
    let ServerMsg::Welcome { seq: start, .. } = welcome else {
        panic!("{welcome:?}")
    };
    let (mut neighbour, _) = Client::attach(&server, "neighbour", None).await;
    victim.input(b"echo pid=$$ end; echo before-$((40+2))\r").await;
    let seen = victim.read_until("before-42").await;
    let pid: i32 = seen
        .split("pid=")
        .filter_map(|rest| rest.split(" end").next())
        .filter_map(|pid| pid.trim().parse().ok())
        .last()
        .unwrap_or_else(|| panic!("no pid in {seen:?}"));
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGKILL)
        .expect("kill the shell");
    // The viewer that watched it die gets the exit...
    let exit = loop {
        match victim.msg().await {
            exit @ ServerMsg::Exit { .. } => break exit,
            ServerMsg::Pong { .. } => {}
            other => panic!("before the exit: {other:?}"),
        }
    };
    // ...and a viewer replaying from the start gets every byte, then the same exit.
    let (mut replay, _) = Client::attach(&server, "victim", Some(start)).await;
    let rest = read_to_exit(&mut replay, start).await;
    assert_eq!(rest.exit, exit);
    let ServerMsg::Exit { code, signal, seq } = exit else {
        panic!("{exit:?}")
    };
    assert_eq!((code, signal), (None, Some(9)), "exit names the signal");
    let everything = String::from_utf8_lossy(&rest.bytes);
    assert!(
        everything.contains("before-42"),
        "output before the kill is kept: {everything:?}"
    );
    assert_eq!(
        seq,
        start + rest.bytes.len() as u64,
        "exit comes after the last byte"
    );

    // The neighbour never noticed.
    neighbour.input(b"echo alive-$((6*7))\r").await;
    neighbour.read_until("alive-42").await;

    // The killed terminal restarts, its stream continuing.
    victim.json(serde_json::json!({"type":"restart"})).await;
    assert_eq!(victim.msg().await, ServerMsg::Restarted { seq });
    victim.input(b"echo back-$((6*7))\r").await;
    victim.read_until("back-42").await;
}
